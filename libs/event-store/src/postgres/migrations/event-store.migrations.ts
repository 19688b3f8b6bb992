import type { MigrationInterface } from 'typeorm';
import { EventStoreInit1764460800000 } from './1764460800000-event-store-init.migration';
import { EventStoreNotifyAfterCommit1764460800001 } from './1764460800001-event-store-notify-after-commit.migration';
import { EventStoreHashChain1796700000000 } from './1796700000000-event-store-hash-chain.migration';

/** The event store's schema, in order; the app runs them with the read-model migrations. */
export const eventStoreMigrations: readonly (new () => MigrationInterface)[] = [
  EventStoreInit1764460800000,
  EventStoreNotifyAfterCommit1764460800001,
  EventStoreHashChain1796700000000,
];
