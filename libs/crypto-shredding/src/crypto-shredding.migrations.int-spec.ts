import { createTestDatabase, type TestDatabase } from '@custodia/testing';
import { DataSource } from 'typeorm';
import { cryptoShreddingMigrations } from './crypto-shredding.migrations';

describe('cryptoShreddingMigrations', () => {
  let database: TestDatabase;
  let sut: DataSource;

  const tables = async (): Promise<string[]> => {
    const rows: { tablename: string }[] = await sut.query(
      `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'crypto_%'
       ORDER BY tablename`,
    );
    return rows.map((row) => row.tablename);
  };

  beforeAll(async () => {
    database = await createTestDatabase('crypto-migrations');
    sut = new DataSource({
      type: 'postgres',
      url: database.url,
      migrations: [...cryptoShreddingMigrations],
    });
    await sut.initialize();
  });

  afterAll(async () => {
    await sut?.destroy();
    await database?.drop();
  });

  it('runs up, down and up again cleanly', async () => {
    const all = ['crypto_data_keys', 'crypto_erased_subjects', 'crypto_master_keys'];
    await sut.runMigrations();
    expect(await tables()).toEqual(all);
    for (let step = 0; step < cryptoShreddingMigrations.length; step++) {
      await sut.undoLastMigration();
    }
    expect(await tables()).toEqual([]);
    expect(await sut.query(`SELECT 1 FROM pg_proc WHERE proname LIKE 'crypto_%'`)).toEqual([]);
    await sut.runMigrations();
    expect(await tables()).toEqual(all);
  });

  it('keeps key material out of the erasure table and refuses malformed wrapped keys', async () => {
    const columns: { column_name: string }[] = await sut.query(
      `SELECT column_name FROM information_schema.columns
       WHERE table_name = 'crypto_erased_subjects' ORDER BY ordinal_position`,
    );
    expect(columns.map((column) => column.column_name)).toEqual([
      'subject_id',
      'key_id',
      'erased_at',
    ]);
    await sut.query(`INSERT INTO crypto_master_keys (kek_id) VALUES ('0123456789abcdef')`);
    await expect(
      sut.query(
        `INSERT INTO crypto_data_keys (subject_id, key_id, kek_id, wrap_iv, wrapped_key)
         VALUES ('s', gen_random_uuid(), '0123456789abcdef', '\\x00', '\\x00')`,
      ),
    ).rejects.toThrow(/check constraint/);
    await expect(
      sut.query(
        `INSERT INTO crypto_data_keys (subject_id, key_id, kek_id, wrap_iv, wrapped_key)
         VALUES ('s', gen_random_uuid(), 'fedcba9876543210', $1, $2)`,
        [Buffer.alloc(12), Buffer.alloc(48)],
      ),
    ).rejects.toThrow(/foreign key/);
  });
});
