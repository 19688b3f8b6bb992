import { randomUUID } from 'node:crypto';
import { CryptoShreddingError } from './crypto-shredding.errors';
import type { Envelope } from './envelope';
import { decryptField, encryptField, type FieldBinding } from './field-cipher';
import { type DataKey, generateDataKey } from './master-key';

const PLAINTEXT = '张伟 13812345678 北京市朝阳区建国路88号';

const flipBit = (base64: string, byte = 0): string => {
  const bytes = Buffer.from(base64, 'base64');
  bytes[byte] ^= 0x01;
  return bytes.toString('base64');
};

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(CryptoShreddingError);
    const { message } = error as Error;
    // Never the plaintext, never the key in an error.
    expect(message).not.toContain('张伟');
    expect(message).not.toContain('13812345678');
    return (error as CryptoShreddingError).code;
  }
};

describe('field cipher', () => {
  const subjectId = randomUUID();
  let key: DataKey;
  let binding: FieldBinding;
  let sut: Envelope;

  beforeEach(() => {
    key = generateDataKey(subjectId, randomUUID());
    binding = { subjectId, eventId: randomUUID(), field: 'phone' };
    sut = encryptField(key, binding, PLAINTEXT);
  });

  it('round-trips Chinese text and any JSON value', () => {
    expect(decryptField(key, binding, sut)).toBe(PLAINTEXT);
    const value = { 城市: '上海', 楼层: 12, tags: ['客户', null, true] };
    expect(decryptField(key, binding, encryptField(key, binding, value))).toEqual(value);
  });

  it('writes the envelope shape: $enc 1, kid, 12-byte iv, ciphertext with 16-byte tag', () => {
    expect(Object.keys(sut).sort()).toEqual(['$enc', 'ct', 'iv', 'kid']);
    expect(sut.$enc).toBe(1);
    expect(sut.kid).toBe(key.id);
    expect(Buffer.from(sut.iv, 'base64')).toHaveLength(12);
    const plainBytes = Buffer.byteLength(JSON.stringify(PLAINTEXT));
    expect(Buffer.from(sut.ct, 'base64')).toHaveLength(plainBytes + 16);
    expect(JSON.stringify(sut)).not.toContain('13812345678');
  });

  it('uses a fresh IV every time', () => {
    const again = encryptField(key, binding, PLAINTEXT);
    expect(again.iv).not.toBe(sut.iv);
    expect(again.ct).not.toBe(sut.ct);
  });

  it.each([
    ['the first byte of the ciphertext', (e: Envelope) => ({ ...e, ct: flipBit(e.ct) })],
    [
      'the tag',
      (e: Envelope) => ({ ...e, ct: flipBit(e.ct, Buffer.from(e.ct, 'base64').length - 1) }),
    ],
    ['the IV', (e: Envelope) => ({ ...e, iv: flipBit(e.iv, 5) })],
  ])('rejects a flipped bit in %s', (_, tamper) => {
    expect(codeOf(() => decryptField(key, binding, tamper(sut)))).toBe('CRYPTO.TAMPERED');
  });

  it.each([
    ['subject', { subjectId: randomUUID() }],
    ['event', { eventId: randomUUID() }],
    ['field', { field: 'email' }],
    ['array index', { field: 'phone.1' }],
  ])('rejects an envelope moved to another %s (the AAD differs)', (_, moved) => {
    expect(codeOf(() => decryptField(key, { ...binding, ...moved }, sut))).toBe('CRYPTO.TAMPERED');
  });

  it('rejects an envelope sealed by another key (another customer’s), before trying it', () => {
    const other = generateDataKey(randomUUID(), randomUUID());
    const foreign = encryptField(other, binding, PLAINTEXT);
    expect(codeOf(() => decryptField(key, binding, foreign))).toBe('CRYPTO.TAMPERED');
    // Even with the kid forged to match, the wrong key fails authentication.
    expect(codeOf(() => decryptField(key, binding, { ...foreign, kid: key.id }))).toBe(
      'CRYPTO.TAMPERED',
    );
  });

  it.each([
    ['iv not base64', (e: Envelope) => ({ ...e, iv: '***' })],
    [
      'iv of the wrong length',
      (e: Envelope) => ({ ...e, iv: Buffer.alloc(16).toString('base64') }),
    ],
    ['ct shorter than a tag', (e: Envelope) => ({ ...e, ct: Buffer.alloc(8).toString('base64') })],
  ])('refuses a malformed envelope: %s', (_, mangle) => {
    expect(codeOf(() => decryptField(key, binding, mangle(sut)))).toBe('CRYPTO.MALFORMED_ENVELOPE');
  });
});
