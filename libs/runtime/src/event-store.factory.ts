import { type EventStore, KurrentDbEventStore, PostgresEventStore } from '@custodia/event-store';
import type { Config, DatabaseHandle } from '@custodia/platform';

/** EVENT_STORE=postgres (default: the application database, its own pool) or kurrentdb. */
export const createEventStore = (config: Config, database: DatabaseHandle): EventStore => {
  switch (config.eventStore) {
    case 'postgres':
      return new PostgresEventStore({ url: database.url });
    case 'kurrentdb':
      // loadConfig guarantees KURRENTDB_URL when EVENT_STORE=kurrentdb.
      return KurrentDbEventStore.fromConnectionString(config.kurrentdbUrl ?? '');
  }
};
