import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import { CryptoShreddingError } from './crypto-shredding.errors';
import {
  generateDataKey,
  masterKeyFrom,
  parseMasterKey,
  unwrapDataKey,
  wrapDataKey,
} from './master-key';

describe('master key', () => {
  const raw = randomBytes(32);
  const sut = masterKeyFrom(raw);

  it('is named by the first 16 hex characters of its SHA-256, never by the key', () => {
    expect(sut.id).toBe(createHash('sha256').update(raw).digest('hex').slice(0, 16));
    expect(sut.id).not.toContain(raw.toString('hex').slice(0, 8));
    expect(inspect(sut)).not.toContain(raw.toString('hex'));
    expect(inspect(sut)).not.toContain(raw.toString('base64'));
  });

  it('parses canonical base64 of 32 bytes only', () => {
    expect(parseMasterKey(` ${raw.toString('base64')}\n`).id).toBe(sut.id);
    for (const bad of [randomBytes(16).toString('base64'), 'not base64!', '']) {
      expect(() => parseMasterKey(bad)).toThrow(CryptoShreddingError);
    }
  });

  it('wraps a data key that only the same master key, subject and key id unwrap', () => {
    const subjectId = randomUUID();
    const dataKey = generateDataKey(subjectId, randomUUID());
    const wrapped = wrapDataKey(sut, dataKey);
    expect(wrapped.iv).toHaveLength(12);
    expect(wrapped.wrapped).toHaveLength(48);
    expect(wrapped.wrapped.includes(dataKey.key.export())).toBe(false);

    const back = unwrapDataKey(sut, wrapped);
    expect(back.key.export().equals(dataKey.key.export())).toBe(true);

    const other = masterKeyFrom(randomBytes(32));
    for (const attempt of [
      () => unwrapDataKey(other, wrapped),
      () => unwrapDataKey(sut, { ...wrapped, subjectId: randomUUID() }),
      () => unwrapDataKey(sut, { ...wrapped, keyId: randomUUID() }),
    ]) {
      expect(attempt).toThrow(CryptoShreddingError);
      expect(attempt).toThrow(/does not open with master key/);
    }
  });
});
