import type { Projection } from '@custodia/read-store';
import type { BlindIndex } from './blind-index';
import { customerConsentsProjection } from './customer-consents/customer-consents.projection';
import { customerDirectoryProjection } from './customer-directory/customer-directory.projection';
import { customerFinanceProjection } from './customer-finance/customer-finance.projection';
import { customerStatisticsProjection } from './customer-statistics/customer-statistics.projection';
import { followUpTimelineProjection } from './follow-up-timeline/follow-up-timeline.projection';

/** Every access read model's projection; the directory needs the blind index key. */
export const accessProjections = (blindIndex: BlindIndex): Projection[] => [
  customerDirectoryProjection(blindIndex),
  customerConsentsProjection,
  followUpTimelineProjection,
  customerFinanceProjection,
  customerStatisticsProjection,
];
