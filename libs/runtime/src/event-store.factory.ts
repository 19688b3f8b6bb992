import {
  CryptoShreddingError,
  EncryptingEventStore,
  type PersonalDataRegistry,
  PostgresKeyVault,
} from '@custodia/crypto-shredding';
import { type EventStore, KurrentDbEventStore, PostgresEventStore } from '@custodia/event-store';
import { type Config, ConfigError, type DatabaseHandle } from '@custodia/platform';
import type { Registry } from 'prom-client';

/** EVENT_STORE=postgres (default: the application database, its own pool) or kurrentdb. */
const createInnerEventStore = (config: Config, database: DatabaseHandle): EventStore => {
  switch (config.eventStore) {
    case 'postgres':
      return new PostgresEventStore({ url: database.url });
    case 'kurrentdb':
      // loadConfig guarantees KURRENTDB_URL when EVENT_STORE=kurrentdb.
      return KurrentDbEventStore.fromConnectionString(config.kurrentdbUrl ?? '');
  }
};

export type EventStoreDependencies = {
  readonly metrics: Registry;
  /** Event types and their personal fields; contexts register theirs at module init. */
  readonly personalData: PersonalDataRegistry;
};

/**
 * The application's event store: the configured adapter behind the encrypting decorator, with
 * the key vault (keys stay in PostgreSQL whatever the log runs on) opened under the master key.
 * No master key, or one that does not open the stored keys, stops start-up with one line.
 */
export const createEventStore = async (
  config: Config,
  database: DatabaseHandle,
  { metrics, personalData }: EventStoreDependencies,
): Promise<EncryptingEventStore> => {
  if (config.masterKey === undefined) {
    throw new ConfigError(
      'CUSTODIA_MASTER_KEY',
      'or CUSTODIA_MASTER_KEY_FILE is required: personal fields are encrypted under it',
    );
  }
  const variable =
    config.masterKey.source === 'env' ? 'CUSTODIA_MASTER_KEY' : 'CUSTODIA_MASTER_KEY_FILE';
  const vault = await PostgresKeyVault.open({
    url: database.url,
    masterKey: config.masterKey.key,
    registry: metrics,
    // The log in the same server flushes a new key with the first append that uses it.
    keysFlushedByLogAppend: config.eventStore === 'postgres',
  }).catch((error: unknown) => {
    if (error instanceof CryptoShreddingError && error.code === 'CRYPTO.MASTER_KEY_MISMATCH')
      throw new ConfigError(variable, `does not open the stored data keys: ${error.message}`);
    throw error;
  });
  return new EncryptingEventStore(createInnerEventStore(config, database), {
    vault,
    registry: personalData,
    ownsVault: true, // closed with the store, after the projection runner has stopped
  });
};
