import { ReadStoreProjectionCheckpoints1796018000000 } from './migrations/1796018000000-projection-checkpoints.migration';
import { ReadStoreStreamSummaries1796018100000 } from './read-models/stream-summary/1796018100000-stream-summaries.migration';
import type { MigrationClass } from './read-store.data-source';
import { StreamSummaryEntity } from './read-models/stream-summary/stream-summary.entity';

/** The read store's tables: the checkpoint table and this library's own read models. */
export const readStoreMigrations: readonly MigrationClass[] = [
  ReadStoreProjectionCheckpoints1796018000000,
  ReadStoreStreamSummaries1796018100000,
];

/** Entities of this library's read models, to register on the app's data source. */
export const readStoreEntities = [StreamSummaryEntity] as const;
