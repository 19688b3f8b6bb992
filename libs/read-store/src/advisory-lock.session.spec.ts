import { advisoryLockKey } from './advisory-lock.session';

describe(advisoryLockKey.name, () => {
  it('is pinned: every instance and every release must compute the same key', () => {
    // Changing the derivation would let old and new instances run a projection side by side
    // during a rolling deploy. Update this value only together with a note in the release.
    expect(advisoryLockKey('stream-summary')).toBe('8314897455802535977');
  });

  it('gives a signed 64-bit integer, distinct per projection', () => {
    const names = ['stream-summary', 'customer-list', 'access-timeline', 'ledger', 'a', 'b'];
    const keys = names.map(advisoryLockKey);
    expect(new Set(keys).size).toBe(names.length);
    for (const key of keys) {
      expect(key).toMatch(/^-?\d+$/);
      expect(BigInt(key)).toBeGreaterThanOrEqual(-(2n ** 63n));
      expect(BigInt(key)).toBeLessThan(2n ** 63n);
    }
  });
});
