import {
  createHash,
  createPrivateKey,
  createPublicKey,
  hkdfSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import { CryptoShreddingError } from './crypto-shredding.errors';
import type { KeyVault } from './key-vault';

/** Subject under which the vault keeps the data key the signing key is derived from. */
export const SIGNING_KEY_PURPOSE = 'custodia:signing:v1';

/** HKDF info: a new derivation (another curve, another use) gets another label. */
const HKDF_INFO = 'custodia.ed25519.v1';
const SEED_BYTES = 32;
/** PKCS#8 DER header of an Ed25519 private key (RFC 8410); the 32-byte seed follows it. */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
/** SPKI DER header of an Ed25519 public key; the 32-byte raw key follows it. */
const SPKI_ED25519_PREFIX_BYTES = 12;

/** An Ed25519 key pair whose private half never leaves this object. */
export type SigningKey = {
  /** First 16 hex characters of SHA-256 over the raw 32-byte public key. */
  readonly keyId: string;
  readonly publicKeyPem: string;
  readonly publicKeyJwk: { readonly kty: 'OKP'; readonly crv: 'Ed25519'; readonly x: string };
  sign(bytes: Uint8Array): Buffer;
  verify(bytes: Uint8Array, signature: Uint8Array): boolean;
};

/** Key id of an Ed25519 public key (PEM or KeyObject): the same id `signingKeyFrom` gives. */
export const signingKeyId = (publicKey: string | KeyObject): string => {
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  const raw = key.export({ type: 'spki', format: 'der' }).subarray(SPKI_ED25519_PREFIX_BYTES);
  return createHash('sha256').update(raw).digest('hex').slice(0, 16);
};

/**
 * The service's Ed25519 signing key, derived (HKDF-SHA256) from the vault's data key for
 * `purpose`. That data key is wrapped under the master key like every other one, so the signing
 * key survives restarts, follows master key rotation (re-wrapping keeps its bytes) and is the same
 * in every process. Destroying the purpose's data key destroys the signing key.
 */
export const signingKeyFrom = async (
  vault: KeyVault,
  purpose: string = SIGNING_KEY_PURPOSE,
): Promise<SigningKey> => {
  const dataKey = (await vault.keysForEncryption([purpose])).get(purpose);
  if (dataKey === undefined)
    throw new CryptoShreddingError(
      'CRYPTO.KEY_NOT_FOUND',
      `the vault returned no key for ${purpose}`,
    );
  const ikm = dataKey.key.export();
  const seed = Buffer.from(hkdfSync('sha256', ikm, Buffer.alloc(0), HKDF_INFO, SEED_BYTES));
  const der = Buffer.concat([PKCS8_ED25519_PREFIX, seed]);
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } finally {
    ikm.fill(0);
    seed.fill(0);
    der.fill(0);
  }
  const publicKey = createPublicKey(privateKey);
  const jwk = publicKey.export({ format: 'jwk' });
  return Object.freeze({
    keyId: signingKeyId(publicKey),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    publicKeyJwk: Object.freeze({ kty: 'OKP', crv: 'Ed25519', x: String(jwk.x) } as const),
    sign: (bytes: Uint8Array): Buffer => sign(null, bytes, privateKey),
    verify: (bytes: Uint8Array, signature: Uint8Array): boolean =>
      verify(null, bytes, publicKey, signature),
  });
};
