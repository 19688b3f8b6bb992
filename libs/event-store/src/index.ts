export * from './event-store.errors';
export * from './event-store.port';
