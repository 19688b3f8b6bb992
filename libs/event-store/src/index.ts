export * from './event-store.errors';
export * from './event-store.port';
export * from './event-hash';
export * from './in-memory/in-memory-event-store';
export * from './postgres/postgres-event-store';
export * from './postgres/migrations/event-store.migrations';
export * from './kurrentdb/kurrentdb-event-store';
