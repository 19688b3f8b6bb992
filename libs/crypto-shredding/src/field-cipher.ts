import { createCipheriv, createDecipheriv } from 'node:crypto';
import { secureRandomBytes } from '@custodia/platform';
import { associatedData } from './associated-data';
import { CryptoShreddingError } from './crypto-shredding.errors';
import { type Envelope } from './envelope';
import { type DataKey, IV_BYTES, TAG_BYTES } from './master-key';

const CIPHER = 'aes-256-gcm';
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Where a value belongs. All three are authenticated, so an envelope cannot be moved. */
export type FieldBinding = {
  readonly subjectId: string;
  readonly eventId: string;
  /** The concrete path, e.g. `phone` or `contacts.0.phone`. */
  readonly field: string;
};

const fieldAad = ({ subjectId, eventId, field }: FieldBinding): Buffer =>
  associatedData('custodia.field.v1', [subjectId, eventId, field]);

const describe = (binding: FieldBinding): string =>
  `field ${binding.field} of event ${binding.eventId}`;

/**
 * What seals and opens one field. The product uses `AES_256_GCM` only; the type exists so the
 * benchmark can put an identity transform in its place and measure what the cipher costs.
 */
export type FieldCipher = {
  readonly encrypt: (key: DataKey, binding: FieldBinding, value: unknown) => Envelope;
  readonly decrypt: (key: DataKey, binding: FieldBinding, envelope: Envelope) => unknown;
};

/** Seals any JSON value (string, number, object…) under the subject's data key. */
export const encryptField = (key: DataKey, binding: FieldBinding, value: unknown): Envelope => {
  const iv = secureRandomBytes(IV_BYTES);
  const cipher = createCipheriv(CIPHER, key.key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(fieldAad(binding));
  const plain = Buffer.from(JSON.stringify(value), 'utf8');
  const ct = Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
  plain.fill(0);
  return { $enc: 1, kid: key.id, iv: iv.toString('base64'), ct: ct.toString('base64') };
};

const decode = (text: string, binding: FieldBinding): Buffer => {
  if (!BASE64.test(text) || text.length % 4 !== 0)
    throw new CryptoShreddingError('CRYPTO.MALFORMED_ENVELOPE', `${describe(binding)}: not base64`);
  return Buffer.from(text, 'base64');
};

/**
 * Opens an envelope or throws `CRYPTO.TAMPERED`: GCM refuses any change to the ciphertext, IV or
 * binding, and a foreign `kid` is refused before trying. Never returns garbage.
 */
export const decryptField = (key: DataKey, binding: FieldBinding, envelope: Envelope): unknown => {
  const iv = decode(envelope.iv, binding);
  const ct = decode(envelope.ct, binding);
  if (iv.length !== IV_BYTES || ct.length < TAG_BYTES)
    throw new CryptoShreddingError(
      'CRYPTO.MALFORMED_ENVELOPE',
      `${describe(binding)}: wrong IV or ciphertext length`,
    );
  if (envelope.kid !== key.id)
    throw new CryptoShreddingError(
      'CRYPTO.TAMPERED',
      `${describe(binding)}: sealed by another key than its subject's`,
    );
  let plain: Buffer;
  try {
    const decipher = createDecipheriv(CIPHER, key.key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(fieldAad(binding));
    decipher.setAuthTag(ct.subarray(ct.length - TAG_BYTES));
    plain = Buffer.concat([
      decipher.update(ct.subarray(0, ct.length - TAG_BYTES)),
      decipher.final(),
    ]);
  } catch {
    throw new CryptoShreddingError(
      'CRYPTO.TAMPERED',
      `${describe(binding)}: failed authentication`,
    );
  }
  try {
    return JSON.parse(plain.toString('utf8')) as unknown;
  } finally {
    plain.fill(0);
  }
};

/** The field cipher: AES-256-GCM, random 96-bit IV, 128-bit tag, binding as associated data. */
export const AES_256_GCM: FieldCipher = { encrypt: encryptField, decrypt: decryptField };
