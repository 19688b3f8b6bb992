import { createHash } from 'node:crypto';
import { EventStoreError } from './event-store.errors';

/**
 * The hash chain every store keeps (tamper evidence, DESIGN.md "Audit"). Each stored event
 * carries `hash = SHA-256(previous hash ‖ uint64be(revision) ‖ digest)`, the previous hash being
 * that of the event before it in its stream (32 zero bytes for revision 0), and
 * `digest = SHA-256(UTF-8 of canonicalJson([streamId, id, type, data, metadata]))`.
 *
 * Computed over the stored form: personal fields are already envelopes, so erasing a key never
 * changes a hash. Store-independent: the same bytes under PostgreSQL, KurrentDB or in memory,
 * so one verifier (and the offline one) checks any of them. The store's own `recordedAt` is not
 * covered (PostgreSQL assigns it inside the insert); the decision time is `metadata.now`.
 */

/** The previous hash of a stream's first event. */
export const GENESIS_HASH: Buffer = Buffer.alloc(32);

/** What the digest covers: everything the event says, not where the store put it. */
export type HashedEventContent = {
  readonly streamId: string;
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: unknown;
};

const notCanonical = (rule: string): EventStoreError =>
  new EventStoreError('EVENT_STORE.INVALID_ARGUMENT', `event content ${rule}`);

/**
 * JSON with object keys sorted by UTF-16 code units at every level and no whitespace, so a
 * document read back from jsonb (which reorders keys) gives the bytes it was written with.
 * Numbers use JavaScript's shortest round-trip form, which jsonb keeps exactly; non-finite
 * numbers, undefined inside arrays and non-plain values are refused, as JSON would lose them.
 */
export const canonicalJson = (value: unknown): string => {
  if (value === null || typeof value === 'boolean' || typeof value === 'string')
    return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw notCanonical('numbers must be finite');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return `[${value
      .map((item) => {
        if (item === undefined) throw notCanonical('arrays must not hold undefined');
        return canonicalJson(item);
      })
      .join(',')}]`;
  }
  if (typeof value === 'object') {
    const prototype = Object.getPrototypeOf(value) as unknown;
    if (prototype !== Object.prototype && prototype !== null)
      throw notCanonical('must be plain JSON objects');
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  throw notCanonical(`must be JSON (found ${typeof value})`);
};

/** SHA-256 of the event's canonical content; independent of its position. */
export const eventDigest = (event: HashedEventContent): Buffer =>
  createHash('sha256')
    .update(canonicalJson([event.streamId, event.id, event.type, event.data, event.metadata]))
    .digest();

/** The chain link: SHA-256(previous ‖ uint64be(revision) ‖ digest). */
export const chainHash = (previous: Buffer, revision: number, digest: Buffer): Buffer => {
  const at = Buffer.alloc(8);
  at.writeBigUInt64BE(BigInt(revision));
  return createHash('sha256').update(previous).update(at).update(digest).digest();
};

/** Hashes of consecutive events of one stream, starting after `previous` at `firstRevision`. */
export const chainHashes = (
  previous: Buffer,
  firstRevision: number,
  digests: readonly Buffer[],
): Buffer[] => {
  const hashes: Buffer[] = [];
  let last = previous;
  digests.forEach((digest, index) => {
    last = chainHash(last, firstRevision + index, digest);
    hashes.push(last);
  });
  return hashes;
};
