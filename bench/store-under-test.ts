import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { type EventStore, eventStoreMigrations, PostgresEventStore } from '@custodia/event-store';
import { execute } from './bench-database';
import { RAW_TABLE_SQL, rawBaseline, type RawBaseline } from './raw-baseline';

/** Both sides get a pool of this size: enough for the 32-writer row without queueing. */
export const POOL_SIZE = 32;

/** Runs the store's own migrations, exactly as the application does. */
const migrate = async (url: string): Promise<void> => {
  const dataSource = new DataSource({
    type: 'postgres',
    url,
    migrations: [...eventStoreMigrations],
  });
  await dataSource.initialize();
  try {
    await dataSource.runMigrations();
  } finally {
    await dataSource.destroy();
  }
};

/** The PostgresEventStore under test, and the raw baseline on an identically shaped table. */
export const openStore = async (
  url: string,
): Promise<{ store: EventStore; raw: RawBaseline; close(): Promise<void> }> => {
  await migrate(url);
  await execute(url, RAW_TABLE_SQL);
  const store = await PostgresEventStore.connect(url, { poolSize: POOL_SIZE });
  const rawPool = new Pool({ connectionString: url, max: POOL_SIZE });
  rawPool.on('error', () => undefined); // idle clients see the server stop at the very end
  return {
    store,
    raw: rawBaseline(rawPool, url),
    close: async () => {
      await store.close();
      await rawPool.end();
    },
  };
};
