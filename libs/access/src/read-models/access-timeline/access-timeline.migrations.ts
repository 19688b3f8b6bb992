import { AccessTimeline1796520000000 } from './1796520000000-access-timeline.migration';
import { AccessTimelineChanges1796720000000 } from './1796720000000-access-timeline-changes.migration';

/** The access timeline's table, to run with the other libraries' migrations. */
export const accessTimelineMigrations = [
  AccessTimeline1796520000000,
  AccessTimelineChanges1796720000000,
] as const;
