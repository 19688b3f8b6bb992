import { Logger } from '@nestjs/common';
import type { SigningKey } from '@custodia/crypto-shredding';
import {
  type EventStore,
  type ExpectedRevision,
  type Position,
  WrongExpectedRevision,
} from '@custodia/event-store';
import { type Clock, systemClock } from '@custodia/platform';
import { AuditError } from '../merkle/audit.errors';
import { MerkleFrontier } from '../merkle/merkle-frontier';
import { buildTreeHead, type SignedTreeHead, signTreeHead, treeHeadSignedBytes } from './tree-head';
import { eventLeaf, latestTreeHead } from './tree-head-log';
import {
  TREE_HEAD_SIGNED,
  TREE_HEAD_SIGNER_ACTOR_ID,
  TREE_HEADS_STREAM,
  type TreeHeadSignedData,
} from './tree-head.events';

export type TreeHeadSignerLogger = {
  warn(fields: Record<string, unknown>, message: string): void;
};

export type TreeHeadSignerOptions = {
  readonly store: EventStore;
  /** The service's Ed25519 key, as the erasure certificates get it: `() => signingKeyFrom(vault)`, cached. */
  readonly signingKey: () => Promise<SigningKey>;
  readonly clock?: Clock;
  /** Periodic signing while started; 0 or absent: on demand only. */
  readonly intervalMs?: number;
  /** Events per `readAll` page. */
  readonly pageSize?: number;
  /** Tries when other signers keep appending heads first. */
  readonly maxAttempts?: number;
  readonly logger?: TreeHeadSignerLogger;
};

/** Where the last head left the tree: the next signature extends this. */
type Resumed = {
  readonly frontier: MerkleFrontier;
  readonly after: Position | undefined;
  readonly revision: ExpectedRevision;
  readonly latest: SignedTreeHead | undefined;
};

const signedPart = ({ head, signature, keyId, algorithm }: TreeHeadSignedData): SignedTreeHead => ({
  head,
  signature,
  keyId,
  algorithm,
});

/**
 * Appends signed RFC 6962 tree heads over the global log to the `TreeHeads` stream.
 *
 * It resumes from the frontier stored in the last `TreeHeadSigned` event (checked against that
 * head's signed root and signature), reads the log after the head's `lastPosition` in `readAll`
 * order, adds each event's chain hash as a leaf, and appends the new head with
 * `expectedRevision` = the last head's revision: two signers (in one process or many, on any
 * store) cannot both append after the same head, so the head sequence never forks; the loser
 * re-reads and either returns the winner's head (if it covers what the loser read) or extends it.
 * A head event is itself a leaf of every later tree. Heads signed with another key (rotation)
 * are not trusted for resuming: the tree is then rebuilt from the start of the log.
 *
 * A head is appended only when something other than heads was appended since the last one:
 * each head is a new leaf, so otherwise every head would call for the next, forever. The
 * newest head is therefore never a leaf of a signed tree; its own signature covers it.
 */
export class TreeHeadSigner {
  private readonly store: EventStore;
  private readonly signingKey: () => Promise<SigningKey>;
  private readonly clock: Clock;
  private readonly intervalMs: number;
  private readonly pageSize: number;
  private readonly maxAttempts: number;
  private readonly logger: TreeHeadSignerLogger;
  private timer: NodeJS.Timeout | undefined;
  /** Signings in this process run one after another. */
  private queue: Promise<unknown> = Promise.resolve();
  private pendingTick: Promise<SignedTreeHead | undefined> | undefined;

  constructor(options: TreeHeadSignerOptions) {
    this.store = options.store;
    this.signingKey = options.signingKey;
    this.clock = options.clock ?? systemClock;
    this.intervalMs = options.intervalMs ?? 0;
    this.pageSize = options.pageSize ?? 1000;
    this.maxAttempts = options.maxAttempts ?? 10;
    this.logger = options.logger ?? new Logger('TreeHeadSigner');
    if (!Number.isSafeInteger(this.intervalMs) || this.intervalMs < 0)
      throw new AuditError('AUDIT.INVALID_ARGUMENT', 'tree head signer: intervalMs must be ≥ 0');
    if (!Number.isSafeInteger(this.pageSize) || this.pageSize < 1)
      throw new AuditError('AUDIT.INVALID_ARGUMENT', 'tree head signer: pageSize must be ≥ 1');
  }

  /**
   * Signs a head over the whole visible log now and resolves to it; when nothing but heads was
   * appended since the last head, resolves to that head without appending; undefined while the
   * log holds no event.
   */
  signNow(): Promise<SignedTreeHead | undefined> {
    return this.serialised(() => this.sign());
  }

  /** Starts periodic signing (an unref'd timer: it never keeps the process alive). */
  start(): void {
    if (this.intervalMs === 0 || this.timer !== undefined) return;
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
  }

  /** Stops periodic signing and waits for a signing in progress. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.queue;
  }

  /** Nest lifecycle hooks, for a signer provided through a factory. */
  onApplicationBootstrap(): void {
    this.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.stop();
  }

  /**
   * One periodic signing; never rejects (a failure is logged and the next tick tries again). A
   * tick while another is pending joins it, so slow signings never pile up behind the timer.
   */
  tick(): Promise<SignedTreeHead | undefined> {
    this.pendingTick ??= this.serialised(() => this.sign())
      .catch((error: unknown) => {
        this.logger.warn(
          {
            error: error instanceof Error ? error.name : typeof error,
            ...(error instanceof AuditError ? { code: error.code, reason: error.message } : {}),
          },
          'Tree head signing failed',
        );
        return undefined;
      })
      .finally(() => (this.pendingTick = undefined));
    return this.pendingTick;
  }

  private serialised<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async sign(): Promise<SignedTreeHead | undefined> {
    const key = await this.signingKey();
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const resumed = await this.resume(key);
      const { frontier, latest } = resumed;
      const target = await this.store.headPosition();
      let after = resumed.after;
      let activity = false;
      while (target !== undefined && (after === undefined || this.before(after, target))) {
        const page = await this.store.readAll({
          ...(after === undefined ? {} : { from: after }),
          maxCount: this.pageSize,
        });
        for (const event of page) {
          frontier.append(eventLeaf(event));
          if (event.streamId !== TREE_HEADS_STREAM) activity = true;
        }
        if (page.length === 0) break;
        after = page[page.length - 1].position;
      }
      // Only heads since the last head (or nothing): signing would just chase our own tail.
      if (after === undefined || !activity) return latest;

      const now = this.clock.now();
      const signed = signTreeHead(
        buildTreeHead({
          treeSize: frontier.size,
          rootHash: frontier.root(),
          lastPosition: after,
          signedAt: now,
        }),
        key,
      );
      const data: TreeHeadSignedData = { ...signed, frontier: frontier.toJSON() };
      try {
        await this.store.append(
          TREE_HEADS_STREAM,
          [
            {
              type: TREE_HEAD_SIGNED,
              data,
              metadata: { actorId: TREE_HEAD_SIGNER_ACTOR_ID, now: now.toISOString() },
            },
          ],
          { expectedRevision: resumed.revision },
        );
        return signed;
      } catch (error) {
        if (!(error instanceof WrongExpectedRevision)) throw error;
        // Another signer appended first. Its head stands; ours is dropped (never appended).
        const winner = (await this.resume(key)).latest;
        if (winner !== undefined && !this.before(winner.head.lastPosition as Position, after))
          return winner;
      }
    }
    throw new AuditError(
      'AUDIT.SIGNER_CONTENDED',
      `tree head signer: other signers appended first ${this.maxAttempts} times in a row`,
    );
  }

  private before(a: Position, b: Position): boolean {
    return this.store.comparePositions(a, b) < 0;
  }

  /** The last head's frontier, trusted only if it matches that head's signed root. */
  private async resume(key: SigningKey): Promise<Resumed> {
    const found = await latestTreeHead(this.store);
    if (found === undefined)
      return {
        frontier: MerkleFrontier.empty(),
        after: undefined,
        revision: 'no_stream',
        latest: undefined,
      };
    const { event: last, data } = found;
    const latest = signedPart(data);
    if (data.keyId !== key.keyId) {
      // Signed with another key: its root cannot be checked here, so rebuild from the start.
      return {
        frontier: MerkleFrontier.empty(),
        after: undefined,
        revision: last.revision,
        latest,
      };
    }
    const untrusted = (rule: string): AuditError =>
      new AuditError(
        'AUDIT.TREE_HEAD_INVALID',
        `the tree head at position ${last.position} ${rule}; refusing to extend it`,
      );
    if (!key.verify(treeHeadSignedBytes(data.head), Buffer.from(data.signature, 'base64')))
      throw untrusted('does not carry a valid signature');
    let frontier: MerkleFrontier;
    try {
      frontier = MerkleFrontier.fromJSON(data.frontier);
    } catch {
      throw untrusted('carries a malformed frontier');
    }
    if (
      frontier.size !== data.head.treeSize ||
      frontier.root().toString('hex') !== data.head.rootHash
    )
      throw untrusted('carries a frontier that does not match its signed root');
    return {
      frontier,
      after: data.head.lastPosition as Position,
      revision: last.revision,
      latest,
    };
  }
}
