import { SeededRandom } from './seeded-random';
import { businessTime, seedTimeline, shareOf, spreadTimes } from './seed-time';

describe('shareOf', () => {
  const shares = (total: number, count: number) =>
    Array.from({ length: count }, (_, i) =>
      shareOf(total, count, i, (pair) => new SeededRandom(9, pair)),
    );

  it.each([
    [800_000, 100_000],
    [10, 3],
    [7, 7],
    [0, 5],
    [5, 1],
  ])('splits %i items over %i owners exactly, none negative', (total, count) => {
    const split = shares(total, count);
    expect(split.reduce((a, b) => a + b, 0)).toBe(total);
    for (const share of split) expect(share).toBeGreaterThanOrEqual(0);
  });

  it('varies around the mean: 8 per customer on average, from a few to a dozen', () => {
    const split = shares(80_000, 10_000);
    expect(Math.min(...split)).toBeLessThanOrEqual(5);
    expect(Math.max(...split)).toBeGreaterThanOrEqual(11);
    expect(new Set(split).size).toBeGreaterThan(5);
  });
});

describe('businessTime', () => {
  it('stays in the window and mostly in Beijing office hours', () => {
    const random = new SeededRandom(1);
    const { asOf, registrationFrom } = seedTimeline(new Date('2026-11-30T15:00:00Z'));
    expect(new Date(asOf).toISOString()).toBe('2026-11-30T00:00:00.000Z');
    let office = 0;
    for (let i = 0; i < 2_000; i++) {
      const at = businessTime(random, registrationFrom, asOf);
      expect(at).toBeGreaterThanOrEqual(registrationFrom);
      expect(at).toBeLessThanOrEqual(asOf);
      const beijingHour = (new Date(at).getUTCHours() + 8) % 24;
      if (beijingHour >= 9 && beijingHour < 19) office += 1;
    }
    expect(office / 2_000).toBeGreaterThan(0.95);
  });

  it('spreads times in ascending order', () => {
    const times = spreadTimes(new SeededRandom(2), 0, 10 * 86_400_000, 50);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });
});
