import { secureRandomBytes } from './random';

describe('secureRandomBytes', () => {
  it('returns the size asked for, large sizes included', () => {
    expect(secureRandomBytes(12)).toHaveLength(12);
    expect(secureRandomBytes(0)).toHaveLength(0);
    expect(secureRandomBytes(10_000)).toHaveLength(10_000);
    expect(() => secureRandomBytes(-1)).toThrow(RangeError);
  });

  it('never hands out the same bytes twice, across block refills', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 5_000; i++) seen.add(secureRandomBytes(12).toString('hex'));
    expect(seen.size).toBe(5_000);
  });

  it('never changes bytes already handed out when it draws a new block', () => {
    const held = secureRandomBytes(32);
    const copy = Buffer.from(held);
    for (let i = 0; i < 1_000; i++) secureRandomBytes(16); // several blocks later
    expect(held.equals(copy)).toBe(true);
  });

  it('looks uniform: every byte value appears, none far too often', () => {
    const counts = new Array<number>(256).fill(0);
    for (let i = 0; i < 2_000; i++) for (const byte of secureRandomBytes(128)) counts[byte] += 1;
    const expected = (2_000 * 128) / 256; // 1,000 per value
    expect(Math.min(...counts)).toBeGreaterThan(expected * 0.8);
    expect(Math.max(...counts)).toBeLessThan(expected * 1.2);
  });
});
