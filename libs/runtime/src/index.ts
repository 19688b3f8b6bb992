export * from './process-runtime';
export * from './projections';
export * from './reconcile-keys';
export * from './storage.module';
export * from './storage.tokens';
