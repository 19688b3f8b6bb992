import type { KeyObject } from 'node:crypto';
import { chainHash, eventDigest, GENESIS_HASH } from '@custodia/event-store';
import { MerkleFrontier } from '../merkle/merkle-frontier';
import { type SignedTreeHead, verifyTreeHeadSignature } from '../tree-heads/tree-head';
import { TREE_HEAD_SIGNED, TREE_HEADS_STREAM } from '../tree-heads/tree-head.events';

/**
 * What the verifier needs of one stored event, in the store's global order: the stored form
 * (personal fields still envelopes), exactly as `readAll` or an exported log file gives it.
 */
export type LogEntry = {
  readonly position: string;
  readonly streamId: string;
  readonly revision: number;
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: unknown;
  /** Hex chain hash as stored; absent means the store never hashed it (a failure). */
  readonly hash?: string;
};

export type VerificationFailureKind =
  /** The stored hash is not SHA-256(previous ‖ revision ‖ digest of the content read back). */
  | 'hash-mismatch'
  /** A stream's revisions do not run 0, 1, 2… in log order (an event deleted or reordered). */
  | 'revision-gap'
  /** A stored event without a hash. */
  | 'hash-missing'
  /** A `TreeHeadSigned` event that is malformed or not signed by the trusted key. */
  | 'tree-head-signature'
  /** The root recomputed over the first `treeSize` events differs from the signed one. */
  | 'tree-head-root'
  /** The `treeSize`-th event is not at the position the head names. */
  | 'tree-head-position'
  /** The log ends before a signed head's `treeSize`: events were deleted. */
  | 'log-truncated';

/**
 * The first failure. Chain failures are exact: `position` is the first event whose content or
 * place no longer matches. A tree-head failure bounds it: some event in
 * (`range.afterIndex`, `range.throughIndex`] was modified, deleted, inserted or moved; `position`
 * is the first event of that range (the earliest that may be bad).
 */
export type VerificationFailure = {
  readonly kind: VerificationFailureKind;
  /** 0-based index in the global log (the Merkle leaf index). */
  readonly index: number;
  /** Store position of that event, or null when the log ended first. */
  readonly position: string | null;
  readonly streamId?: string;
  readonly revision?: number;
  readonly range?: { readonly afterIndex: number; readonly throughIndex: number };
  /** Ids, sizes and hashes only: never event content. */
  readonly detail: string;
};

export type VerificationReport = {
  readonly ok: boolean;
  /** Events read and checked (up to the failure, when there is one). */
  readonly events: number;
  readonly streams: number;
  readonly treeHeads: {
    /** Signed heads found in the log. */
    readonly found: number;
    /** Heads whose signature and root were both checked and held. */
    readonly verified: number;
    /** The largest verified tree size: every event before it is covered by a signature. */
    readonly coveredEvents: number;
    /** The latest verified head, to keep outside the system and compare next time. */
    readonly latest: SignedTreeHead | null;
  };
  /** Events after the latest verified head: chained, not yet under a signature. */
  readonly uncoveredEvents: number;
  /**
   * The first bad position: the first exact (chain) failure when there is one, else the first
   * tree-head failure. A deletion, for instance, trips the head that covers it before the
   * stream's next event shows the gap: the gap names the stream and revision, the head only a
   * range.
   */
  readonly failure: VerificationFailure | null;
  /** Every failure found, in log order of detection (at most `maxFailures`). */
  readonly failures: readonly VerificationFailure[];
};

export type VerifyLogOptions = {
  /** The signed heads in the log (`TreeHeadSigned` events, read first: they are few). */
  readonly treeHeads: AsyncIterable<LogEntry> | Iterable<LogEntry>;
  /** Every event, in global order. */
  readonly events: AsyncIterable<LogEntry> | Iterable<LogEntry>;
  /** The Ed25519 public key the auditor trusts (PEM or KeyObject). */
  readonly publicKey: string | KeyObject;
  /** Called every `progressEvery` events and once at the end with the events checked. */
  readonly onProgress?: (events: number) => void;
  readonly progressEvery?: number;
  /** The scan stops after this many failures (default 20). */
  readonly maxFailures?: number;
};

type PendingHead = { readonly entry: LogEntry; readonly signed: SignedTreeHead };

const asSignedHead = (data: unknown): SignedTreeHead | undefined => {
  if (typeof data !== 'object' || data === null) return undefined;
  const { head, signature, keyId, algorithm } = data as Record<string, unknown>;
  if (typeof signature !== 'string' || typeof keyId !== 'string' || algorithm !== 'Ed25519')
    return undefined;
  return { head, signature, keyId, algorithm } as SignedTreeHead;
};

const HEX_HASH = /^[0-9a-f]{64}$/;

/**
 * Recomputes every stream's hash chain, every signed tree head's signature and root, and names
 * the first bad position (`verify`, `GET /v1/audit/verify`, the offline verifier). Streams
 * events once, keeping the last hash per stream and the Merkle frontier (O(log n)).
 *
 * What each check catches: a modified event breaks its own hash; a deleted or reordered event
 * breaks its stream's revision run; anything a chain cannot see (an event re-hashed by someone
 * who rewrote the chain, a move between streams' events in log order, the deletion of a stream's
 * last events) changes the Merkle root under the next signed head, which no one can re-sign
 * without the private key. Events after the latest head are only chained: sign often.
 */
export const verifyLog = async (options: VerifyLogOptions): Promise<VerificationReport> => {
  const { publicKey, onProgress, progressEvery = 10_000, maxFailures = 20 } = options;
  const failures: VerificationFailure[] = [];
  const heads: PendingHead[] = [];
  let headsFound = 0;
  for await (const entry of options.treeHeads) {
    if (entry.type !== TREE_HEAD_SIGNED || entry.streamId !== TREE_HEADS_STREAM) continue;
    headsFound += 1;
    const signed = asSignedHead(entry.data);
    if (signed === undefined || !verifyTreeHeadSignature(signed, publicKey)) {
      failures.push({
        kind: 'tree-head-signature',
        index: -1,
        position: entry.position,
        streamId: entry.streamId,
        revision: entry.revision,
        detail: `tree head at revision ${entry.revision} is malformed or not signed by the trusted key`,
      });
      continue;
    }
    heads.push({ entry, signed });
  }
  heads.sort((a, b) => a.signed.head.treeSize - b.signed.head.treeSize);

  /** Per stream, the last revision and hash seen: updated in place, one object per stream. */
  const streams = new Map<string, { revision: number; hash: Buffer }>();
  const frontier = MerkleFrontier.empty();
  let nextHead = 0;
  let verified = 0;
  let covered = 0;
  let latest: SignedTreeHead | null = null;
  /** Once a root differs, every later root differs too: only the first is reported. */
  let treeBroken = false;
  let firstUncoveredPosition: string | null = null;
  let index = 0;
  /** The tree size at which the next head is due (Infinity when none is). */
  let nextHeadSize = heads.length > 0 ? heads[0].signed.head.treeSize : Infinity;

  const headFailure = (
    kind: VerificationFailureKind,
    head: SignedTreeHead,
    detail: string,
  ): VerificationFailure => ({
    kind,
    index: covered,
    position: firstUncoveredPosition,
    range: { afterIndex: covered - 1, throughIndex: head.head.treeSize - 1 },
    detail,
  });

  /** Checks the heads whose tree size the log has just reached. */
  const checkHeads = (lastPosition: string): void => {
    for (; nextHead < heads.length && heads[nextHead].signed.head.treeSize <= index; nextHead++) {
      const { signed } = heads[nextHead];
      const { treeSize, rootHash } = signed.head;
      if (treeSize < index || treeBroken) continue; // a duplicate size, or past a broken root
      if (frontier.root().toString('hex') !== rootHash) {
        treeBroken = true;
        failures.push(
          headFailure(
            'tree-head-root',
            signed,
            `the root over the first ${treeSize} events differs from the signed one`,
          ),
        );
      } else if (signed.head.lastPosition !== lastPosition) {
        treeBroken = true;
        failures.push(
          headFailure(
            'tree-head-position',
            signed,
            `event ${treeSize} is not at the position the signed head names`,
          ),
        );
      } else {
        verified += 1;
        covered = treeSize;
        latest = signed;
      }
    }
    nextHeadSize = nextHead < heads.length ? heads[nextHead].signed.head.treeSize : Infinity;
  };

  /** The stored hash as bytes, or undefined when it is missing or not lowercase hex SHA-256. */
  const storedHash = (hex: string | undefined): Buffer | undefined =>
    hex !== undefined && hex.length === 64 && HEX_HASH.test(hex)
      ? Buffer.from(hex, 'hex')
      : undefined;

  const failureAt = (
    kind: VerificationFailureKind,
    entry: LogEntry,
    detail: string,
  ): VerificationFailure => ({
    kind,
    index,
    position: entry.position,
    streamId: entry.streamId,
    revision: entry.revision,
    detail,
  });

  if (failures.length === 0) {
    for await (const entry of options.events) {
      if (index === covered) firstUncoveredPosition = entry.position;
      const { streamId, revision } = entry;
      const before = streams.get(streamId);
      const expectedRevision = before === undefined ? 0 : before.revision + 1;
      const stored = storedHash(entry.hash);
      if (revision !== expectedRevision) {
        failures.push(
          failureAt(
            'revision-gap',
            entry,
            `stream ${streamId}: revision ${revision} where ${expectedRevision} was due`,
          ),
        );
      } else if (stored === undefined) {
        failures.push(failureAt('hash-missing', entry, 'no hash'));
      } else if (
        !chainHash(before?.hash ?? GENESIS_HASH, revision, eventDigest(entry)).equals(stored)
      ) {
        failures.push(
          failureAt(
            'hash-mismatch',
            entry,
            `stream ${streamId} revision ${revision}: stored hash does not match the content`,
          ),
        );
      }
      // Go on from what is stored, so one bad event is reported once, not in every later one.
      const leaf = stored ?? Buffer.alloc(32);
      if (before === undefined) streams.set(streamId, { revision, hash: leaf });
      else {
        before.revision = revision;
        before.hash = leaf;
      }
      frontier.append(leaf);
      index += 1;
      if (index >= nextHeadSize) checkHeads(entry.position);
      if (failures.length >= maxFailures) break;
      if (onProgress !== undefined && index % progressEvery === 0) onProgress(index);
    }
  }

  if (failures.length < maxFailures && !treeBroken && nextHead < heads.length) {
    const { signed } = heads[nextHead];
    if (index === covered) firstUncoveredPosition = null;
    failures.push(
      headFailure(
        'log-truncated',
        signed,
        `the log has ${index} events; a signed head covers ${signed.head.treeSize}`,
      ),
    );
  }
  onProgress?.(index);
  const exact = failures.find(
    (failure) => failure.range === undefined && failure.kind !== 'tree-head-signature',
  );
  return {
    ok: failures.length === 0,
    events: index,
    streams: streams.size,
    treeHeads: { found: headsFound, verified, coveredEvents: covered, latest },
    uncoveredEvents: index - covered,
    failure:
      failures.find((failure) => failure.kind === 'tree-head-signature') ??
      exact ??
      failures[0] ??
      null,
    failures,
  };
};
