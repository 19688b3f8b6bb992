/**
 * Times travel as ISO-8601 strings inside commands and events (JSON, and no clock in the domain).
 * These helpers are deterministic: they parse what they are given and never read the clock.
 */

const INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})T(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,9})?)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

/** A valid calendar date (Y-M-D), which `Date.parse` alone does not check (it takes 02-30). */
export const isCalendarDate = (year: number, month: number, day: number): boolean => {
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
  );
};

/** An ISO-8601 date-time with an explicit offset, e.g. `2025-06-01T08:30:00Z`. */
export const isIsoInstant = (value: unknown): value is string => {
  if (typeof value !== 'string') return false;
  const match = INSTANT.exec(value);
  if (!match) return false;
  const [, year, month, day] = match.map(Number);
  return isCalendarDate(year, month, day) && Number.isFinite(Date.parse(value));
};

/** Milliseconds since the epoch of a valid instant (check with `isIsoInstant` first). */
export const instantMs = (instant: string): number => Date.parse(instant);

export type IsoDuration = {
  readonly years: number;
  readonly months: number;
  readonly weeks: number;
  readonly days: number;
};

// Date-based only: retention periods are counted in years, months, weeks and days.
const DURATION = /^P(?:(\d{1,4})Y)?(?:(\d{1,5})M)?(?:(\d{1,5})W)?(?:(\d{1,6})D)?$/;

/** Parses `P2Y`, `P18M`, `P1Y6M`, `P90D`…; undefined when malformed, time-based or zero. */
export const parseIsoDuration = (value: unknown): IsoDuration | undefined => {
  if (typeof value !== 'string') return undefined;
  const match = DURATION.exec(value);
  if (!match) return undefined;
  const [years, months, weeks, days] = match.slice(1).map((part) => Number(part ?? 0));
  if (years + months + weeks + days === 0) return undefined;
  return { years, months, weeks, days };
};

/**
 * `instant` plus `duration`, calendar-aware in UTC (P1M from 31 January ends on the last day of
 * February, not in March): used to compute when a purpose's retention period ends.
 */
export const addIsoDuration = (instant: string, duration: IsoDuration): string => {
  const start = new Date(instantMs(instant));
  const totalMonths = start.getUTCMonth() + duration.months + 12 * duration.years;
  const year = start.getUTCFullYear() + Math.floor(totalMonths / 12);
  const month = totalMonths % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const shifted = new Date(start.getTime());
  shifted.setUTCFullYear(year, month, Math.min(start.getUTCDate(), lastDay));
  shifted.setUTCDate(shifted.getUTCDate() + 7 * duration.weeks + duration.days);
  return shifted.toISOString();
};
