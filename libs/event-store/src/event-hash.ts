import { createHash, hash } from 'node:crypto';
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

/** JSON.stringify of each key seen, kept while few: event keys repeat from event to event. */
const quotedKeys = new Map<string, string>();
const MAX_QUOTED_KEYS = 10_000;

const quoted = (key: string): string => {
  let text = quotedKeys.get(key);
  if (text === undefined) {
    text = JSON.stringify(key);
    if (quotedKeys.size < MAX_QUOTED_KEYS) quotedKeys.set(key, text);
  }
  return text;
};

/**
 * undefined where JSON.stringify would leave the value out. Written for speed (`verify` runs it
 * over every event of the log): one string built by concatenation, keys sorted by the default
 * comparison (UTF-16 code units, as `<` compares), quoted keys cached.
 */
const canonical = (input: unknown): string | undefined => {
  let value = input;
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object' && value !== null) {
    if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
      value = (value as { toJSON: () => unknown }).toJSON();
      if (typeof value !== 'object' || value === null) return canonical(value);
    }
    if (Array.isArray(value)) {
      let text = '[';
      for (let index = 0; index < value.length; index++) {
        if (index > 0) text += ',';
        text += canonical(value[index]) ?? 'null';
      }
      return `${text}]`;
    }
    const keys = Object.keys(value);
    keys.sort();
    let text = '{';
    let first = true;
    for (const key of keys) {
      const item = canonical((value as Record<string, unknown>)[key]);
      if (item === undefined) continue;
      text += first ? `${quoted(key)}:${item}` : `,${quoted(key)}:${item}`;
      first = false;
    }
    return `${text}}`;
  }
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : 'null';
  if (typeof value === 'bigint') throw notCanonical('must not hold a bigint');
  return undefined; // undefined, a function or a symbol
};

/** SHA-256 of the event's canonical content; independent of its position. */
export const eventDigest = (event: HashedEventContent): Buffer =>
  hash(
    'sha256',
    canonicalJson([event.streamId, event.id, event.type, event.data, event.metadata]),
    'buffer',
  );

/** previous ‖ uint64be(revision) ‖ digest, reused: one one-shot hash per link, no allocation. */
const link = Buffer.alloc(72);
const TWO_POW_32 = 2 ** 32;

/** The chain link: SHA-256(previous ‖ uint64be(revision) ‖ digest). */
export const chainHash = (previous: Buffer, revision: number, digest: Buffer): Buffer => {
  if (
    previous.length !== 32 ||
    digest.length !== 32 ||
    !Number.isSafeInteger(revision) ||
    revision < 0
  ) {
    const at = Buffer.alloc(8);
    at.writeBigUInt64BE(BigInt(revision));
    return createHash('sha256').update(previous).update(at).update(digest).digest();
  }
  link.set(previous, 0);
  link.writeUInt32BE(Math.floor(revision / TWO_POW_32), 32);
  link.writeUInt32BE(revision % TWO_POW_32, 36);
  link.set(digest, 40);
  return hash('sha256', link, 'buffer');
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
