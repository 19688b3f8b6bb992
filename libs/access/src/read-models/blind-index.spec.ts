import { createHmac, createSecretKey, randomBytes } from 'node:crypto';
import { BlindIndex } from './blind-index';

describe(BlindIndex.name, () => {
  const key = randomBytes(32);
  const sut = new BlindIndex(key);

  it('gives the same digest for the same value, and a 32-byte one', () => {
    expect(sut.phone('13812345678').equals(sut.phone('13812345678'))).toBe(true);
    expect(sut.phone('13812345678')).toHaveLength(32);
    expect(sut.phone('13812345678').equals(sut.phone('13812345679'))).toBe(false);
  });

  it('is keyed: another key gives other digests; a KeyObject of the same bytes the same', () => {
    const other = new BlindIndex(randomBytes(32));
    expect(other.phone('13812345678').equals(sut.phone('13812345678'))).toBe(false);
    expect(other.email('a@example.com').equals(sut.email('a@example.com'))).toBe(false);
    const same = new BlindIndex(createSecretKey(key));
    expect(same.phone('13812345678').equals(sut.phone('13812345678'))).toBe(true);
  });

  it('normalises phone formats to the 11 digits', () => {
    const canonical = sut.phone('13812345678');
    for (const format of [
      '+86 138 1234 5678',
      '+8613812345678',
      '138-1234-5678',
      ' 0086 13812345678 ',
    ]) {
      expect(sut.phone(format).equals(canonical)).toBe(true);
    }
  });

  it('compares e-mail addresses trimmed and case-insensitively', () => {
    expect(sut.email(' Zhang.Wei@Example.COM ').equals(sut.email('zhang.wei@example.com'))).toBe(
      true,
    );
  });

  it('separates phones from e-mails: the same text hashes differently as each', () => {
    expect(sut.phone('13812345678').equals(sut.email('13812345678'))).toBe(false);
  });

  it('hashes under a domain prefix, not the bare value', () => {
    const bare = createHmac('sha256', key).update('13812345678').digest();
    expect(sut.phone('13812345678').equals(bare)).toBe(false);
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => new BlindIndex(randomBytes(16))).toThrow('32 bytes');
    expect(() => new BlindIndex(createSecretKey(randomBytes(16)))).toThrow('32 bytes');
  });
});
