import type { Message } from '@custodia/consent';
import { v5 } from 'uuid';

export type AnomalyRule =
  'bulk-export' | 'many-reveals' | 'off-hours-mass-viewing' | 'access-under-notice';

export const anomalyRules: readonly AnomalyRule[] = [
  'bulk-export',
  'many-reveals',
  'off-hours-mass-viewing',
  'access-under-notice',
];

/**
 * An actor's access crossed a rule's threshold within one window. Ids, counts and times only:
 * nothing personal, so it can go to a webhook as it is.
 */
export type AccessAnomalyDetected = Message<
  'AccessAnomalyDetected',
  {
    readonly rule: AnomalyRule;
    readonly actorId: string;
    /** ISO-8601, inclusive. */
    readonly windowStart: string;
    /** ISO-8601, exclusive. */
    readonly windowEnd: string;
    /** What the rule counts (rows, reveals, customers, accesses) in the window when it fired. */
    readonly count: number;
    /** The alert fires when `count` goes over it. */
    readonly threshold: number;
    /** The time of the access that crossed the threshold (not the wall clock: replays agree). */
    readonly detectedAt: string;
    /** The latest few access events counted, the one that crossed the threshold last. */
    readonly sourceEventIds: readonly string[];
    readonly underNotice: boolean;
  }
>;

/** One stream for every alert: a reactor's output, read by the `access-alerts` projection. */
export const ACCESS_ALERTS_STREAM = 'AccessAlerts';

// Fixed forever: changing it would give every past alert a new id and duplicate it on replay.
const ALERT_ID_NAMESPACE = '6f0c1c84-4d0e-5b8a-9a53-2f1d7a0c3e21';

/** The same rule, actor and window always give the same id: the store drops the replayed append. */
export const alertEventId = (rule: AnomalyRule, actorId: string, windowStart: string): string =>
  v5(`${rule}\n${actorId}\n${windowStart}`, ALERT_ID_NAMESPACE);
