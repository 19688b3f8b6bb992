export { advisoryLockKey } from './advisory-lock.session';
export { type Projection } from './projection';
export {
  loadAllCheckpoints,
  loadCheckpoint,
  type ProjectionCheckpoint,
} from './projection-checkpoint.repository';
export {
  ProjectionRunner,
  type ProjectionRunnerOptions,
  type ProjectionStatus,
} from './projection-runner';
export { type BackoffOptions } from './projection-wait';
export { type ProjectionState } from './projection-worker';
export {
  createReadStoreDataSource,
  MIGRATIONS_TABLE,
  type MigrationClass,
  type ReadStoreDataSourceOptions,
} from './read-store.data-source';
export { ReadStoreError, type ReadStoreErrorCode } from './read-store.errors';
export { type ReadStoreLogger } from './read-store.logger';
export { readStoreEntities, readStoreMigrations } from './read-store.migrations';
export { StreamSummaryEntity } from './read-models/stream-summary/stream-summary.entity';
export { streamSummaryProjection } from './read-models/stream-summary/stream-summary.projection';
