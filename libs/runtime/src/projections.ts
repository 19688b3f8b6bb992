import { userDirectoryProjection } from '@custodia/identity';
import { type Projection, streamSummaryProjection } from '@custodia/read-store';

/** Every read model of the application. A context adds its projections here. */
export const allProjections: readonly Projection[] = [
  streamSummaryProjection,
  userDirectoryProjection,
];
