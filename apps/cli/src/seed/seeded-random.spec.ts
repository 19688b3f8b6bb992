import { isUuid } from '@custodia/platform';
import { hash32, SeededRandom, seededUuid, WeightedTable } from './seeded-random';

describe(SeededRandom.name, () => {
  it('gives the same sequence for the same key and another for another key', () => {
    const draw = (...key: number[]) => {
      const sut = new SeededRandom(...key);
      return Array.from({ length: 20 }, () => sut.next32());
    };
    expect(draw(1, 42)).toEqual(draw(1, 42));
    expect(draw(1, 42)).not.toEqual(draw(1, 43));
    expect(draw(1, 42)).not.toEqual(draw(2, 42));
  });

  it('keeps int() inside its bounds and reaches both ends', () => {
    const sut = new SeededRandom(7);
    const seen = new Set<number>();
    for (let i = 0; i < 5_000; i++) {
      const value = sut.int(3, 9);
      expect(value).toBeGreaterThanOrEqual(3);
      expect(value).toBeLessThanOrEqual(9);
      seen.add(value);
    }
    expect([...seen].sort()).toEqual([3, 4, 5, 6, 7, 8, 9]);
  });

  it('draws floats uniform enough: each tenth holds 10% ± 1.5% of 20,000 draws', () => {
    const sut = new SeededRandom(11);
    const buckets = new Array<number>(10).fill(0);
    for (let i = 0; i < 20_000; i++) buckets[Math.floor(sut.float() * 10)] += 1;
    for (const bucket of buckets) expect(Math.abs(bucket - 2_000)).toBeLessThan(300);
  });

  it('samples distinct items', () => {
    const sut = new SeededRandom(3);
    const picked = sut.sample(['a', 'b', 'c', 'd'], 3);
    expect(new Set(picked).size).toBe(3);
    expect(sut.sample(['a'], 3)).toEqual(['a']);
  });
});

describe(WeightedTable.name, () => {
  it('picks in proportion to the weights', () => {
    const sut = new WeightedTable([
      ['rare', 1],
      ['common', 9],
    ] as const);
    const random = new SeededRandom(5);
    let common = 0;
    for (let i = 0; i < 10_000; i++) if (sut.pick(random) === 'common') common += 1;
    expect(common / 10_000).toBeCloseTo(0.9, 1);
  });
});

describe('seededUuid', () => {
  it('is a UUID of version 7 and the RFC 9562 variant', () => {
    const id = seededUuid(1, 'event', 123_456, 7);
    expect(isUuid(id)).toBe(true);
    expect(id[14]).toBe('7');
    expect('89ab').toContain(id[19]);
  });

  it('is the same for the same inputs and distinct across seeds, kinds, owners and serials', () => {
    expect(seededUuid(1, 'event', 5, 2)).toBe(seededUuid(1, 'event', 5, 2));
    const ids = new Set<string>();
    for (const seed of [1, 2])
      for (const kind of ['event', 'accessEvent', 'user', 'subject'] as const)
        for (let owner = 0; owner < 50; owner++)
          for (let serial = 0; serial < 20; serial++)
            ids.add(seededUuid(seed, kind, owner, serial));
    expect(ids.size).toBe(2 * 4 * 50 * 20);
  });

  it('sorts by owner index, like time-ordered ids', () => {
    const ids = [0, 1, 2, 1_000, 999_999].map((owner) => seededUuid(1, 'subject', owner, 0));
    expect([...ids].sort()).toEqual(ids);
  });

  it('refuses serials and owners it cannot keep unique', () => {
    expect(() => seededUuid(1, 'event', 0, 2 ** 30)).toThrow(RangeError);
    expect(() => seededUuid(1, 'event', -1, 0)).toThrow(RangeError);
  });

  it('hash32 depends on every part', () => {
    expect(hash32(1, 2)).not.toBe(hash32(2, 1));
    expect(hash32(1, 2 ** 33)).not.toBe(hash32(1, 0));
  });
});
