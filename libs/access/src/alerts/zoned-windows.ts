/** A counting window in UTC ISO-8601: start inclusive, end exclusive. */
export type Window = { readonly start: string; readonly end: string };

const HOUR_MS = 60 * 60 * 1000;

type LocalTime = { year: number; month: number; day: number; hour: number; offsetMs: number };

const formatters = new Map<string, Intl.DateTimeFormat>();

const formatterFor = (timeZone: string): Intl.DateTimeFormat => {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
};

/** The wall-clock date and hour of an instant in a zone, and the zone's offset then. */
const localTime = (at: Date, timeZone: string): LocalTime => {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(at))
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  const wall = Date.UTC(
    parts.year,
    parts.month - 1,
    parts.day,
    parts.hour,
    parts.minute,
    parts.second,
  );
  const offsetMs = wall - Math.floor(at.getTime() / 1000) * 1000;
  return { year: parts.year, month: parts.month, day: parts.day, hour: parts.hour, offsetMs };
};

const window = (startMs: number, lengthMs: number): Window => ({
  start: new Date(startMs).toISOString(),
  end: new Date(startMs + lengthMs).toISOString(),
});

/** The local calendar day holding `at` (the zone's offset at `at`; no DST in Asia/Shanghai). */
export const dayWindow = (at: Date, timeZone: string): Window => {
  const local = localTime(at, timeZone);
  return window(Date.UTC(local.year, local.month - 1, local.day) - local.offsetMs, 24 * HOUR_MS);
};

/** The local clock hour holding `at`. */
export const hourWindow = (at: Date, timeZone: string): Window => {
  const local = localTime(at, timeZone);
  return window(
    Date.UTC(local.year, local.month - 1, local.day, local.hour) - local.offsetMs,
    HOUR_MS,
  );
};

/** Outside [start, end) local hours, e.g. 20:00 to 08:00. */
export const isOffHours = (
  at: Date,
  timeZone: string,
  workingHours: { readonly start: number; readonly end: number },
): boolean => {
  const { hour } = localTime(at, timeZone);
  return hour < workingHours.start || hour >= workingHours.end;
};
