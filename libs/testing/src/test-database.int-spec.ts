import { Client } from 'pg';
import { createTestDatabase } from './test-database';

describe(createTestDatabase.name, () => {
  it('gives each suite its own empty database on a real PostgreSQL', async () => {
    const sut = await createTestDatabase('smoke');
    const client = new Client({ connectionString: sut.url });
    await client.connect();
    const { rows } = await client.query<{ db: string; tables: string }>(
      `SELECT current_database() AS db, (SELECT count(*) FROM pg_tables WHERE schemaname = 'public') AS tables`,
    );
    await client.end();
    await sut.drop();
    expect(rows[0]).toEqual({ db: sut.name, tables: '0' });
  });
});
