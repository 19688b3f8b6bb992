import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createSecretKey,
  type KeyObject,
} from 'node:crypto';
import { secureRandomBytes } from '@custodia/platform';
import { associatedData } from './associated-data';
import { CryptoShreddingError } from './crypto-shredding.errors';

export const KEY_BYTES = 32;
export const IV_BYTES = 12;
export const TAG_BYTES = 16;
const CIPHER = 'aes-256-gcm';

/**
 * The key-encryption key (KEK) from configuration. `id` names it in the data key table and in
 * messages: the first 16 hex characters of its SHA-256, never the key itself.
 */
export type MasterKey = { readonly id: string; readonly key: KeyObject };

/** A subject's data key (DEK), unwrapped. `id` is the `kid` of every envelope it seals. */
export type DataKey = { readonly id: string; readonly subjectId: string; readonly key: KeyObject };

/** A data key as stored: sealed under the master key, bound to its subject and key id. */
export type WrappedDataKey = {
  readonly subjectId: string;
  readonly keyId: string;
  readonly iv: Buffer;
  /** Ciphertext followed by the 16-byte tag. */
  readonly wrapped: Buffer;
};

export const masterKeyId = (key: Buffer): string =>
  createHash('sha256').update(key).digest('hex').slice(0, 16);

export const masterKeyFrom = (key: Buffer): MasterKey => {
  if (key.length !== KEY_BYTES)
    throw new CryptoShreddingError('CRYPTO.INVALID_MASTER_KEY', 'a master key has 32 bytes');
  return { id: masterKeyId(key), key: createSecretKey(Buffer.from(key)) };
};

/** Same rules as CUSTODIA_MASTER_KEY: 32 bytes, canonical base64 (surrounding spaces allowed). */
export const parseMasterKey = (base64: string): MasterKey => {
  const text = base64.trim();
  const key = Buffer.from(text, 'base64');
  if (key.length !== KEY_BYTES || key.toString('base64') !== text)
    throw new CryptoShreddingError(
      'CRYPTO.INVALID_MASTER_KEY',
      'a master key is 32 bytes encoded as base64',
    );
  return masterKeyFrom(key);
};

const wrapAad = (subjectId: string, keyId: string): Buffer =>
  associatedData('custodia.dek.v1', [subjectId, keyId]);

export const generateDataKey = (subjectId: string, id: string): DataKey => {
  const plain = secureRandomBytes(KEY_BYTES);
  const key = createSecretKey(plain);
  plain.fill(0);
  return { id, subjectId, key };
};

export const wrapDataKey = (master: MasterKey, dataKey: DataKey): WrappedDataKey => {
  const iv = secureRandomBytes(IV_BYTES);
  const cipher = createCipheriv(CIPHER, master.key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(wrapAad(dataKey.subjectId, dataKey.id));
  const plain = dataKey.key.export();
  const sealed = Buffer.concat([cipher.update(plain), cipher.final()]);
  plain.fill(0);
  return {
    subjectId: dataKey.subjectId,
    keyId: dataKey.id,
    iv,
    wrapped: Buffer.concat([sealed, cipher.getAuthTag()]),
  };
};

/** Fails (never returns a wrong key) when the master key, the binding or the bytes differ. */
export const unwrapDataKey = (master: MasterKey, stored: WrappedDataKey): DataKey => {
  const { iv, wrapped } = stored;
  if (iv.length !== IV_BYTES || wrapped.length !== KEY_BYTES + TAG_BYTES)
    throw new CryptoShreddingError('CRYPTO.TAMPERED', `data key ${stored.keyId} is malformed`);
  try {
    const decipher = createDecipheriv(CIPHER, master.key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(wrapAad(stored.subjectId, stored.keyId));
    decipher.setAuthTag(wrapped.subarray(KEY_BYTES));
    const plain = Buffer.concat([
      decipher.update(wrapped.subarray(0, KEY_BYTES)),
      decipher.final(),
    ]);
    const key = createSecretKey(plain); // copies: wipe our buffer
    plain.fill(0);
    return { id: stored.keyId, subjectId: stored.subjectId, key };
  } catch {
    throw new CryptoShreddingError(
      'CRYPTO.MASTER_KEY_MISMATCH',
      `data key ${stored.keyId} does not open with master key ${master.id} (wrong master key or altered row)`,
    );
  }
};
