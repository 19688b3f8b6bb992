import {
  accessAlertMigrations,
  accessMigrations,
  accessTimelineMigrations,
  revealBudgetMigrations,
} from '@custodia/access';
import { incidentMigrations } from '@custodia/audit';
import { cryptoShreddingMigrations } from '@custodia/crypto-shredding';
import { eventStoreMigrations } from '@custodia/event-store';
import { identityMigrations } from '@custodia/identity';
import { privacyMigrations } from '@custodia/privacy';
import {
  createReadStoreDataSource,
  readStoreEntities,
  readStoreMigrations,
} from '@custodia/read-store';
import type { DataSource } from 'typeorm';
import { IdempotencyKeys1796400000000 } from './1796400000000-idempotency-keys.migration';

// Any constant works; it only has to be the same in every Custodia process.
const MIGRATION_LOCK_KEY = 7_362_913_001;

/**
 * Opens the application's data source and runs every library's migrations, once at a time
 * across processes (an advisory lock), so an API and a projector starting together do not race.
 */
export const openDataSource = async (url: string, applicationName: string): Promise<DataSource> => {
  const dataSource = createReadStoreDataSource({
    url,
    applicationName,
    entities: [...readStoreEntities],
    migrations: [
      ...eventStoreMigrations,
      ...cryptoShreddingMigrations,
      ...readStoreMigrations,
      ...identityMigrations,
      ...accessMigrations,
      ...accessAlertMigrations,
      ...accessTimelineMigrations,
      ...revealBudgetMigrations,
      IdempotencyKeys1796400000000,
      ...privacyMigrations,
      ...incidentMigrations,
    ],
  });
  await dataSource.initialize();
  const lock = dataSource.createQueryRunner();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await dataSource.runMigrations();
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
  } catch (error) {
    await lock.release().catch(() => undefined);
    await dataSource.destroy(); // ends the session, and with it the lock
    throw error;
  }
  await lock.release();
  return dataSource;
};
