import {
  accessAlertsProjection,
  accessProjections,
  accessTimelineProjection,
  type BlindIndex,
} from '@custodia/access';
import { incidentsProjection } from '@custodia/audit';
import { userDirectoryProjection } from '@custodia/identity';
import { privacyProjection } from '@custodia/privacy';
import { type Projection, streamSummaryProjection } from '@custodia/read-store';

/** What some read models need: the blind index key of the customer directory's lookups. */
export type ProjectionDependencies = { readonly blindIndex: BlindIndex };

/** Every read model of the application. A context adds its projections here. */
export const allProjections = ({ blindIndex }: ProjectionDependencies): readonly Projection[] => [
  streamSummaryProjection,
  userDirectoryProjection,
  ...accessProjections(blindIndex),
  accessAlertsProjection,
  accessTimelineProjection,
  privacyProjection,
  incidentsProjection,
];
