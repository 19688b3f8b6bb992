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
 * Otherwise exactly what `JSON.stringify` stores: `toJSON()` is used (a Date becomes its ISO
 * string), undefined, functions and symbols are dropped from objects and become null in arrays,
 * non-finite numbers become null. The digest is therefore the same whether it is computed over
 * the value a caller appended or over what any store gives back.
 */
export const canonicalJson = (value: unknown): string => canonical(value) ?? 'null';

/** undefined where JSON.stringify would leave the value out. */
const canonical = (input: unknown): string | undefined => {
  let value = input;
  if (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { toJSON?: unknown }).toJSON === 'function'
  )
    value = (value as { toJSON: () => unknown }).toJSON();
  if (value === null || typeof value === 'boolean' || typeof value === 'string')
    return JSON.stringify(value);
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : 'null';
  if (typeof value === 'bigint') throw notCanonical('must not hold a bigint');
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol')
    return undefined;
  if (Array.isArray(value)) return `[${value.map((item) => canonical(item) ?? 'null').join(',')}]`;
  const members: string[] = [];
  for (const key of Object.keys(value).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    const item = canonical((value as Record<string, unknown>)[key]);
    if (item !== undefined) members.push(`${JSON.stringify(key)}:${item}`);
  }
  return `{${members.join(',')}}`;
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
