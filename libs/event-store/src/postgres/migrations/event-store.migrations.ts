import type { MigrationInterface } from 'typeorm';
import { EventStoreInit1764460800000 } from './1764460800000-event-store-init.migration';

/** The event store's schema, in order; the app runs them with the read-model migrations. */
export const eventStoreMigrations: readonly (new () => MigrationInterface)[] = [
  EventStoreInit1764460800000,
];
