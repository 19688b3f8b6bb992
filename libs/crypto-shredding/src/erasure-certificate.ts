import { createPublicKey, verify } from 'node:crypto';
import { CryptoShreddingError } from './crypto-shredding.errors';
import { type SigningKey, signingKeyId } from './signing-key';

/**
 * What an erasure certificate states. Ids and times only: there is no field a personal value
 * could go in, and every id is checked for its shape (a name or a phone number is refused).
 */
export type ErasureCertificateInput = {
  readonly requestId: string;
  readonly customerId: string;
  /** The destroyed data key's id (null when the customer never had a key). */
  readonly keyId: string | null;
  readonly erasedAt: Date;
  readonly actorId: string;
  /** Position of the erasure in the log (the `CustomerErased` event), as the store serialises it. */
  readonly logPosition: string;
  /** From `KeyVault.keyAbsenceEvidence` (only these three fields are copied). */
  readonly keyAbsent: {
    readonly checkedAt: Date;
    readonly dataKeyRows: 0;
    readonly erasureRecordedAt: Date;
  };
  readonly issuedAt: Date;
};

/** The signed document: times as ISO 8601 UTC strings, serialised by `canonicalJson`. */
export type ErasureCertificate = {
  readonly type: 'custodia.erasure-certificate';
  readonly version: 1;
  readonly requestId: string;
  readonly customerId: string;
  readonly keyId: string | null;
  readonly erasedAt: string;
  readonly actorId: string;
  readonly logPosition: string;
  readonly keyAbsent: {
    readonly checkedAt: string;
    readonly dataKeyRows: 0;
    readonly erasureRecordedAt: string;
  };
  readonly issuedAt: string;
};

export type SignedErasureCertificate = {
  readonly certificate: ErasureCertificate;
  /** Base64 Ed25519 signature over the UTF-8 bytes of `canonicalJson(certificate)`. */
  readonly signature: string;
  /** The signing key's id (not the erased data key's, which is `certificate.keyId`). */
  readonly keyId: string;
  readonly algorithm: 'Ed25519';
  /** For convenience only: a verifier uses the public key it already trusts. */
  readonly publicKeyPem: string;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Same rule as the identity library's user ids (imported libraries may not depend on it). */
const ACTOR_ID = /^[A-Za-z0-9][A-Za-z0-9._:|-]{0,127}$/;
/** Opaque store positions: digits for PostgreSQL, `C:…/P:…` for KurrentDB. */
const LOG_POSITION = /^[A-Za-z0-9:/._-]{1,128}$/;

const invalid = (field: string, rule: string): CryptoShreddingError =>
  new CryptoShreddingError('CRYPTO.INVALID_DECLARATION', `erasure certificate: ${field} ${rule}`);

const id = (field: string, value: string, pattern: RegExp, rule: string): string => {
  if (typeof value !== 'string' || !pattern.test(value)) throw invalid(field, rule);
  return value;
};

const time = (field: string, value: Date): string => {
  if (!(value instanceof Date) || Number.isNaN(value.getTime()))
    throw invalid(field, 'must be a valid time');
  return value.toISOString();
};

/** Builds the document from the typed fields only; anything else on `input` is ignored. */
export const buildErasureCertificate = (input: ErasureCertificateInput): ErasureCertificate => {
  const { keyAbsent } = input;
  if (keyAbsent?.dataKeyRows !== 0) throw invalid('keyAbsent.dataKeyRows', 'must be 0');
  return {
    type: 'custodia.erasure-certificate',
    version: 1,
    requestId: id('requestId', input.requestId, UUID, 'must be a UUID'),
    customerId: id('customerId', input.customerId, UUID, 'must be a UUID'),
    keyId: input.keyId === null ? null : id('keyId', input.keyId, UUID, 'must be a UUID or null'),
    erasedAt: time('erasedAt', input.erasedAt),
    actorId: id('actorId', input.actorId, ACTOR_ID, 'must be a user id'),
    logPosition: id('logPosition', input.logPosition, LOG_POSITION, 'must be a log position'),
    keyAbsent: {
      checkedAt: time('keyAbsent.checkedAt', keyAbsent.checkedAt),
      dataKeyRows: 0,
      erasureRecordedAt: time('keyAbsent.erasureRecordedAt', keyAbsent.erasureRecordedAt),
    },
    issuedAt: time('issuedAt', input.issuedAt),
  };
};

/**
 * JSON with object keys sorted (by UTF-16 code unit, as RFC 8785) and no whitespace: the same
 * document always gives the same bytes, whatever order its keys were written in. Numbers are
 * limited to safe integers so no float formatting question arises.
 */
export const canonicalJson = (value: unknown): string => {
  if (value === null || typeof value === 'boolean' || typeof value === 'string')
    return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw invalid('a number', 'must be a safe integer');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  throw invalid('a value', `of type ${typeof value} cannot be serialised`);
};

const signedBytes = (certificate: ErasureCertificate): Buffer =>
  Buffer.from(canonicalJson(certificate), 'utf8');

export const signErasureCertificate = (
  certificate: ErasureCertificate,
  signingKey: SigningKey,
): SignedErasureCertificate => ({
  certificate,
  signature: signingKey.sign(signedBytes(certificate)).toString('base64'),
  keyId: signingKey.keyId,
  algorithm: 'Ed25519',
  publicKeyPem: signingKey.publicKeyPem,
});

const ED25519_SIGNATURE_BYTES = 64;

/**
 * True only when `signed` carries a valid Ed25519 signature by `publicKeyPem` (the key the
 * verifier trusts, not the one in the envelope) over the canonical form of the certificate, and
 * names that key. Never throws: anything malformed is false.
 */
export const verifyErasureCertificate = (
  signed: SignedErasureCertificate,
  publicKeyPem: string,
): boolean => {
  try {
    if (signed.algorithm !== 'Ed25519') return false;
    const publicKey = createPublicKey(publicKeyPem);
    if (publicKey.asymmetricKeyType !== 'ed25519') return false;
    if (signed.keyId !== signingKeyId(publicKey)) return false;
    const signature = Buffer.from(signed.signature, 'base64');
    if (
      signature.length !== ED25519_SIGNATURE_BYTES ||
      signature.toString('base64') !== signed.signature
    )
      return false;
    return verify(null, signedBytes(signed.certificate), publicKey, signature);
  } catch {
    return false;
  }
};
