import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import { type SigningKey, signingKeyId } from '@custodia/crypto-shredding';
import { canonicalJson } from '@custodia/event-store';
import { AuditError } from '../merkle/audit.errors';
import { HASH_BYTES } from '../merkle/merkle-hash';

/**
 * A signed tree head: the RFC 6962 root over the first `treeSize` events of the global log (leaf
 * = the event's 32-byte chain hash, in `readAll` order), signed with the service's Ed25519 key
 * over `canonicalJson(head)`, in the style of the erasure certificate.
 */
export type TreeHead = {
  readonly type: 'custodia.tree-head';
  readonly version: 1;
  readonly treeSize: number;
  /** Lowercase hex Merkle Tree Hash. */
  readonly rootHash: string;
  /** Store position of the last leaf (the `treeSize`-th event), as the store serialises it. */
  readonly lastPosition: string;
  /** ISO 8601 UTC. */
  readonly signedAt: string;
};

export type SignedTreeHead = {
  readonly head: TreeHead;
  /** Base64 Ed25519 signature over the UTF-8 bytes of `canonicalJson(head)`. */
  readonly signature: string;
  /** The signing key's id (`signingKeyId`). */
  readonly keyId: string;
  readonly algorithm: 'Ed25519';
};

export type TreeHeadInput = {
  readonly treeSize: number;
  readonly rootHash: Uint8Array;
  readonly lastPosition: string;
  readonly signedAt: Date;
};

const HEX_HASH = /^[0-9a-f]{64}$/;
/** Opaque store positions: digits for PostgreSQL and in memory, `C:…/P:…` for KurrentDB. */
const LOG_POSITION = /^[A-Za-z0-9:/._-]{1,128}$/;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const ED25519_SIGNATURE_BYTES = 64;

const invalid = (field: string, rule: string): AuditError =>
  new AuditError('AUDIT.INVALID_ARGUMENT', `tree head: ${field} ${rule}`);

/** Builds the document from the typed fields only; refuses an empty tree (nothing to sign). */
export const buildTreeHead = (input: TreeHeadInput): TreeHead => {
  const { treeSize, rootHash, lastPosition, signedAt } = input;
  if (!Number.isSafeInteger(treeSize) || treeSize < 1)
    throw invalid('treeSize', 'must be a positive safe integer');
  if (!(rootHash instanceof Uint8Array) || rootHash.length !== HASH_BYTES)
    throw invalid('rootHash', 'must be 32 bytes');
  if (typeof lastPosition !== 'string' || !LOG_POSITION.test(lastPosition))
    throw invalid('lastPosition', 'must be a log position');
  if (!(signedAt instanceof Date) || Number.isNaN(signedAt.getTime()))
    throw invalid('signedAt', 'must be a valid time');
  return {
    type: 'custodia.tree-head',
    version: 1,
    treeSize,
    rootHash: Buffer.from(rootHash).toString('hex'),
    lastPosition,
    signedAt: signedAt.toISOString(),
  };
};

/** True when `value` is exactly a well-formed `TreeHead` (no other keys). */
export const isTreeHead = (value: unknown): value is TreeHead => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const head = value as Record<string, unknown>;
  return (
    Object.keys(head).length === 6 &&
    head.type === 'custodia.tree-head' &&
    head.version === 1 &&
    typeof head.treeSize === 'number' &&
    Number.isSafeInteger(head.treeSize) &&
    head.treeSize >= 1 &&
    typeof head.rootHash === 'string' &&
    HEX_HASH.test(head.rootHash) &&
    typeof head.lastPosition === 'string' &&
    LOG_POSITION.test(head.lastPosition) &&
    typeof head.signedAt === 'string' &&
    ISO_UTC.test(head.signedAt) &&
    !Number.isNaN(Date.parse(head.signedAt))
  );
};

/** The bytes that are signed. */
export const treeHeadSignedBytes = (head: TreeHead): Buffer =>
  Buffer.from(canonicalJson(head), 'utf8');

export const signTreeHead = (head: TreeHead, signingKey: SigningKey): SignedTreeHead => {
  if (!isTreeHead(head)) throw invalid('document', 'is not a well-formed tree head');
  return {
    head,
    signature: signingKey.sign(treeHeadSignedBytes(head)).toString('base64'),
    keyId: signingKey.keyId,
    algorithm: 'Ed25519',
  };
};

/**
 * True only when `signed` is a well-formed tree head with a valid Ed25519 signature by
 * `publicKey` (the key the verifier trusts: PEM or KeyObject) and names that key. Says nothing
 * about whether the root matches the log: the verifier recomputes that. Never throws.
 */
export const verifyTreeHeadSignature = (
  signed: SignedTreeHead,
  publicKey: string | KeyObject,
): boolean => {
  try {
    if (signed.algorithm !== 'Ed25519' || !isTreeHead(signed.head)) return false;
    const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
    if (key.type !== 'public' || key.asymmetricKeyType !== 'ed25519') return false;
    if (signed.keyId !== signingKeyId(key)) return false;
    const signature = Buffer.from(signed.signature, 'base64');
    if (
      signature.length !== ED25519_SIGNATURE_BYTES ||
      signature.toString('base64') !== signed.signature
    )
      return false;
    return verify(null, treeHeadSignedBytes(signed.head), key, signature);
  } catch {
    return false;
  }
};
