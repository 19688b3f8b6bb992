/** Test support for this library's integration suites only; product code never imports it. */
import { eventStoreMigrations } from '@custodia/event-store';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { cryptoShreddingMigrations } from './crypto-shredding.migrations';

export type MigratedDatabase = {
  readonly url: string;
  /** Direct SQL for assertions, outside any vault. */
  readonly pool: Pool;
  drop(): Promise<void>;
};

/** A suite's fresh database (from `createTestDatabase`), given the event store's and vault's tables. */
export const migratedDatabase = async (database: {
  readonly url: string;
  drop(): Promise<void>;
}): Promise<MigratedDatabase> => {
  const dataSource = new DataSource({
    type: 'postgres',
    url: database.url,
    migrations: [...eventStoreMigrations, ...cryptoShreddingMigrations],
  });
  await dataSource.initialize();
  await dataSource.runMigrations();
  await dataSource.destroy();
  const pool = new Pool({ connectionString: database.url, max: 4 });
  return {
    url: database.url,
    pool,
    drop: async () => {
      await pool.end();
      await database.drop();
    },
  };
};

/**
 * Polls until `check` passes, or rethrows its last failure. NOTIFY is asynchronous, and readAll
 * holds events back while any older transaction on the server (another suite's) is open.
 */
export const eventually = async (check: () => Promise<void>, timeoutMs = 20_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
};
