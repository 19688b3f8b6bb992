import type { SeededRandom } from './seeded-random';

/** The seeded history ends at `asOf`; customers registered from `registrationFrom` on. */
export type SeedTimeline = { readonly asOf: number; readonly registrationFrom: number };

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Beijing time is UTC+8: 09:00–19:00 there is 01:00–11:00 UTC. */
const WORKDAY_START_UTC = 1 * HOUR;
const WORKDAY_LENGTH = 10 * HOUR;

/** History of `days` days up to the start of `now`'s UTC day (stable within one day). */
export const seedTimeline = (now: Date, days = 540): SeedTimeline => {
  const asOf = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return { asOf, registrationFrom: asOf - days * DAY };
};

/** A time in [from, to] during Beijing office hours when the window allows it. */
export const businessTime = (random: SeededRandom, from: number, to: number): number => {
  if (to <= from) return from;
  const uniform = from + Math.floor(random.float() * (to - from));
  if (to - from < 2 * DAY) return uniform;
  const day = Math.floor(uniform / DAY) * DAY;
  const at = day + WORKDAY_START_UTC + Math.floor(random.float() * WORKDAY_LENGTH);
  return at < from || at > to ? uniform : at;
};

/** `count` business times in [from, to], ascending. */
export const spreadTimes = (
  random: SeededRandom,
  from: number,
  to: number,
  count: number,
): number[] => {
  const times: number[] = [];
  for (let i = 0; i < count; i++) times.push(businessTime(random, from, to));
  return times.sort((a, b) => a - b);
};

/**
 * How many of `total` items item `index` of `count` gets: an even share (exact sums), then
 * neighbours 2k and 2k+1 trade a random part of theirs, so counts vary but still sum to `total`.
 */
export const shareOf = (
  total: number,
  count: number,
  index: number,
  random: (pair: number) => SeededRandom,
): number => {
  const even = (i: number): number =>
    Math.floor((total * (i + 1)) / count) - Math.floor((total * i) / count);
  const pair = Math.floor(index / 2);
  const first = 2 * pair;
  const second = first + 1;
  if (second >= count) return even(index);
  const [a, b] = [even(first), even(second)];
  // Move d from the second to the first: up to half of either share.
  const d = random(pair).int(-Math.floor(a / 2), Math.floor(b / 2));
  return index === first ? a + d : b - d;
};
