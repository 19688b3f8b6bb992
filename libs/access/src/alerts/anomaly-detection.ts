import type { AccessEvent } from '../access.events';
import { type AccessAnomalyDetected, type AnomalyRule, alertEventId } from './alert.events';
import { type Window, dayWindow, hourWindow, isOffHours } from './zoned-windows';

export type AnomalyOptions = {
  /** Rows exported per actor per day (CustomerDataExported.rowCount). Default 500. */
  readonly exportRowsPerDay: number;
  /** Reveals per actor per hour. Default 20. */
  readonly revealsPerHour: number;
  /** Customers viewed per actor per hour outside working hours. Default 50. */
  readonly offHoursCustomersPerHour: number;
  /** Working hours [start, end) in local hours of `timeZone`. Default 8 to 20. */
  readonly workingHours: { readonly start: number; readonly end: number };
  /** Days and hours are counted in this zone. Default Asia/Shanghai. */
  readonly timeZone: string;
  /** A window's counter is dropped this long after the window ends (late events). Default 1 day. */
  readonly keepWindowsMs: number;
};

export const defaultAnomalyOptions: AnomalyOptions = {
  exportRowsPerDay: 500,
  revealsPerHour: 20,
  offHoursCustomersPerHour: 50,
  workingHours: { start: 8, end: 20 },
  timeZone: 'Asia/Shanghai',
  keepWindowsMs: 24 * 60 * 60 * 1000,
};

/** An access event as read from the log: its id becomes an alert's source. */
export type ObservedAccessEvent = AccessEvent & { readonly id: string };

type WindowCounter = {
  readonly rule: AnomalyRule;
  readonly actorId: string;
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly count: number;
  readonly sourceEventIds: readonly string[];
  readonly alerted: boolean;
};

/** JSON all the way down, so it can be stored as it is next to the checkpoint. */
export type AnomalyState = { readonly windows: Readonly<Record<string, WindowCounter>> };

export const initialAnomalyState = (): AnomalyState => ({ windows: {} });

export type DetectedAlert = AccessAnomalyDetected & { readonly id: string };

const MAX_SOURCE_IDS = 10;

type Observation = { rule: AnomalyRule; window: Window; amount: number; threshold: number };

const occurredAt = (event: AccessEvent): string => {
  switch (event.type) {
    case 'CustomerDataAccessed':
      return event.data.accessedAt;
    case 'PersonalDataRevealed':
      return event.data.revealedAt;
    case 'CustomerDataExported':
      return event.data.exportedAt;
    case 'AccessDenied':
      return event.data.deniedAt;
  }
};

/** What each rule counts for this event, in which window. */
const observations = (event: AccessEvent, at: Date, options: AnomalyOptions): Observation[] => {
  const found: Observation[] = [];
  const { timeZone } = options;
  if (event.data.underNotice)
    // Any access at all: alert on the first one of the day (threshold 0).
    found.push({
      rule: 'access-under-notice',
      window: dayWindow(at, timeZone),
      amount: 1,
      threshold: 0,
    });
  switch (event.type) {
    case 'CustomerDataExported':
      found.push({
        rule: 'bulk-export',
        window: dayWindow(at, timeZone),
        amount: event.data.rowCount,
        threshold: options.exportRowsPerDay,
      });
      break;
    case 'PersonalDataRevealed':
      found.push({
        rule: 'many-reveals',
        window: hourWindow(at, timeZone),
        amount: 1,
        threshold: options.revealsPerHour,
      });
      break;
    case 'CustomerDataAccessed':
      if (isOffHours(at, timeZone, options.workingHours))
        found.push({
          rule: 'off-hours-mass-viewing',
          window: hourWindow(at, timeZone),
          amount: event.data.customerIds.length,
          threshold: options.offHoursCustomersPerHour,
        });
      break;
    case 'AccessDenied':
      break;
  }
  return found;
};

/** Drops counters of windows that ended more than `keepWindowsMs` before this event. */
const prune = (
  windows: Record<string, WindowCounter>,
  at: Date,
  keepWindowsMs: number,
): Record<string, WindowCounter> =>
  Object.fromEntries(
    Object.entries(windows).filter(
      ([, counter]) => Date.parse(counter.windowEnd) + keepWindowsMs > at.getTime(),
    ),
  );

/**
 * Counts one access event into its windows and answers the alerts it raises: each rule fires at
 * most once per actor and window, when its count first goes over the threshold. Pure: time comes
 * from the event, so a replay of the same events gives the same alerts with the same ids.
 */
export const detectAnomalies = (
  state: AnomalyState,
  event: ObservedAccessEvent,
  options: AnomalyOptions = defaultAnomalyOptions,
): { state: AnomalyState; alerts: DetectedAlert[] } => {
  const at = new Date(occurredAt(event));
  if (Number.isNaN(at.getTime())) return { state, alerts: [] };
  const { actorId, underNotice } = event.data;
  const windows = prune({ ...state.windows }, at, options.keepWindowsMs);
  const alerts: DetectedAlert[] = [];

  for (const { rule, window, amount, threshold } of observations(event, at, options)) {
    const key = `${rule}|${actorId}|${window.start}`;
    const previous = windows[key];
    const count = (previous?.count ?? 0) + amount;
    const sourceEventIds = [...(previous?.sourceEventIds ?? []), event.id].slice(-MAX_SOURCE_IDS);
    const fires = previous?.alerted !== true && count > threshold;
    windows[key] = {
      rule,
      actorId,
      windowStart: window.start,
      windowEnd: window.end,
      count,
      sourceEventIds,
      alerted: previous?.alerted === true || fires,
    };
    if (fires)
      alerts.push({
        id: alertEventId(rule, actorId, window.start),
        type: 'AccessAnomalyDetected',
        data: {
          rule,
          actorId,
          windowStart: window.start,
          windowEnd: window.end,
          count,
          threshold,
          detectedAt: at.toISOString(),
          sourceEventIds,
          underNotice,
        },
      });
  }
  return { state: { windows }, alerts };
};
