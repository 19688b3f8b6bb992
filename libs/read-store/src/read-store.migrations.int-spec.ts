import { createTestDatabase, type TestDatabase } from '@custodia/testing';
import type { DataSource } from 'typeorm';
import { createReadStoreDataSource, MIGRATIONS_TABLE } from './read-store.data-source';
import { readStoreEntities, readStoreMigrations } from './read-store.migrations';

describe('readStoreMigrations', () => {
  let database: TestDatabase;
  let sut: DataSource;

  const tables = async (): Promise<string[]> => {
    const rows: { tablename: string }[] = await sut.query(
      `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`,
    );
    return rows.map((row) => row.tablename);
  };
  const applied = async (): Promise<string[]> => {
    const rows: { name: string }[] = await sut.query(
      `SELECT name FROM ${MIGRATIONS_TABLE} ORDER BY timestamp`,
    );
    return rows.map((row) => row.name);
  };

  beforeAll(async () => {
    database = await createTestDatabase('read-store-migrations');
    sut = createReadStoreDataSource({
      url: database.url,
      entities: [...readStoreEntities],
      migrations: readStoreMigrations,
    });
    await sut.initialize();
  });

  afterAll(async () => {
    await sut.destroy();
    await database.drop();
  });

  it('runs up, all the way down, and up again cleanly', async () => {
    const names = readStoreMigrations.map((migration) => migration.name);
    expect(names).toEqual([
      'ReadStoreProjectionCheckpoints1796018000000',
      'ReadStoreStreamSummaries1796018100000',
    ]);

    expect((await sut.runMigrations()).map((m) => m.name)).toEqual(names);
    expect(await tables()).toEqual([
      MIGRATIONS_TABLE,
      'projection_checkpoints',
      'stream_summaries',
    ]);
    expect(await sut.showMigrations()).toBe(false);

    for (const _ of names) await sut.undoLastMigration();
    expect(await tables()).toEqual([MIGRATIONS_TABLE]);
    expect(await applied()).toEqual([]);
    const indexes: { count: number }[] = await sut.query(
      `SELECT count(*)::int AS count FROM pg_indexes WHERE schemaname = 'public' AND tablename <> $1`,
      [MIGRATIONS_TABLE],
    );
    expect(indexes[0].count).toBe(0);

    expect((await sut.runMigrations()).map((m) => m.name)).toEqual(names);
    expect(await applied()).toEqual(names);
    expect(await tables()).toEqual([
      MIGRATIONS_TABLE,
      'projection_checkpoints',
      'stream_summaries',
    ]);
  });

  it('creates tables that match the entities, so TypeORM would generate no change', async () => {
    // synchronize is never used; this only asks TypeORM what it *would* change.
    const pending = await sut.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((query) => query.query)).toEqual([]);
  });
});
