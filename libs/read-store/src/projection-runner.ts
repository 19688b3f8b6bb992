import { setMaxListeners } from 'node:events';
import type { AllFilter, EventStore, Position, Subscription } from '@custodia/event-store';
import type { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { AdvisoryLockSession } from './advisory-lock.session';
import { assertValidProjections, handlesEvent, type Projection } from './projection';
import { loadAllCheckpoints } from './projection-checkpoint.repository';
import {
  noProjectionMetrics,
  projectionMetrics,
  type ProjectionMetrics,
} from './projection-metrics';
import { DEFAULT_BACKOFF, sleep, type BackoffOptions } from './projection-wait';
import { ProjectionWorker, type ProjectionState } from './projection-worker';
import { ReadStoreError } from './read-store.errors';
import { describeError, type ReadStoreLogger } from './read-store.logger';

export type ProjectionRunnerOptions = {
  readonly dataSource: DataSource;
  readonly eventStore: EventStore;
  /**
   * The same log as stored, personal fields sealed (`EncryptingEventStore.stored`), for the
   * projections marked `readsSealed`. Default: `eventStore`.
   */
  readonly storedEventStore?: EventStore;
  readonly projections: readonly Projection[];
  readonly logger: ReadStoreLogger;
  /** Where the projection metrics go; none are recorded without one. */
  readonly registry?: Registry;
  /**
   * Events per read page and transaction, at most. Default 2,000: a rebuild or a catch-up pays
   * one commit and one INSERT round trip per batch (500 rebuilt the follow-up timeline ~30 %
   * slower); caught up, a batch holds only what arrived.
   */
  readonly batchSize?: number;
  /** A batch transaction slower or idler than this is aborted (and retried). Default 60 s. */
  readonly batchTimeoutMs?: number;
  /** Re-read interval when caught up, in case a wake-up is missed. Default 1000 ms. */
  readonly pollIntervalMs?: number;
  /**
   * After a wake-up, how long a projection lets more events gather before it reads: under load
   * one batch (one transaction, one WAL record) per interval instead of one per event. Default
   * 10 ms of added lag.
   */
  readonly coalesceMs?: number;
  /** How often a standby instance retries a projection's lock. Default 2000 ms. */
  readonly lockRetryMs?: number;
  readonly backoff?: BackoffOptions;
  /** How `rebuild` learns the total for its progress; default: a counting pass over the stored log. */
  readonly countEvents?: (filter: AllFilter | undefined) => Promise<number>;
  readonly now?: () => Date;
};

export type ProjectionStatus = {
  readonly name: string;
  readonly version: number;
  readonly state: ProjectionState;
  /** This instance holds the projection's advisory lock (it is the one applying events). */
  readonly holdingLock: boolean;
  /** As stored, so standby instances report the active one's progress too. */
  readonly checkpoint:
    | {
        readonly version: number;
        readonly position: Position | null;
        readonly eventsApplied: number;
        readonly updatedAt: Date;
      }
    | undefined;
  /** Only known by the lock holder. */
  readonly lagSeconds: number | undefined;
  /** Name and code only: health output is not the place for messages. */
  readonly failure:
    { readonly attempts: number; readonly since: Date; readonly error: string } | undefined;
};

/** Counts by reading: portable across adapters, but reads the log twice. */
const countByReading =
  (store: EventStore) =>
  async (filter: AllFilter | undefined): Promise<number> => {
    let count = 0;
    let from: Position | undefined;
    for (;;) {
      const page = await store.readAll({ from, maxCount: 1000, filter });
      const last = page.at(-1);
      if (last === undefined) return count;
      count += page.length;
      from = last.position;
    }
  };

/** Runs projections: one active instance per projection across processes, via advisory locks. */
export class ProjectionRunner {
  private readonly workers: ReadonlyMap<string, ProjectionWorker>;
  private readonly session: AdvisoryLockSession;
  private abort: AbortController | undefined;
  private loops: Promise<void>[] = [];
  private subscription: Subscription | undefined;
  private removeMetricsSource: (() => void) | undefined;
  private readonly metrics: ProjectionMetrics;

  constructor(private readonly options: ProjectionRunnerOptions) {
    assertValidProjections(options.projections);
    this.session = new AdvisoryLockSession(options.dataSource, options.logger);
    this.metrics = options.registry ? projectionMetrics(options.registry) : noProjectionMetrics;
    const settings = {
      batchSize: options.batchSize ?? 2_000,
      batchTimeoutMs: options.batchTimeoutMs ?? 60_000,
      pollIntervalMs: options.pollIntervalMs ?? 1_000,
      coalesceMs: options.coalesceMs ?? 10,
      lockRetryMs: options.lockRetryMs ?? 2_000,
      backoff: options.backoff ?? DEFAULT_BACKOFF,
      now: options.now ?? (() => new Date()),
    };
    const deps = { ...options, session: this.session, metrics: this.metrics, settings };
    const stored = { ...deps, eventStore: options.storedEventStore ?? options.eventStore };
    this.workers = new Map(
      options.projections.map(
        (p) => [p.name, new ProjectionWorker(p, p.readsSealed === true ? stored : deps)] as const,
      ),
    );
  }

  get projectionNames(): string[] {
    return [...this.workers.keys()];
  }

  /** Starts every projection in the background; returns at once. */
  start(): void {
    if (this.abort) return;
    const abort = new AbortController();
    // Every projection waits on this one signal (a wake-up, a backoff, a lock retry), and the
    // watcher too: more than Node's default of 10 listeners is expected, not a leak.
    setMaxListeners(2 * this.workers.size + 2, abort.signal);
    this.abort = abort;
    this.removeMetricsSource = this.metrics.addSource(() =>
      [...this.workers.values()].map((w) => ({
        projection: w.projection.name,
        holdingLock: w.holdingLock,
        lagSeconds: w.lagSeconds,
      })),
    );
    this.loops = [
      ...[...this.workers.values()].map((worker) => worker.run(abort.signal)),
      this.watch(abort.signal),
    ];
  }

  /** Graceful: each projection finishes its current batch, then every lock is released. */
  async stop(): Promise<void> {
    const abort = this.abort;
    if (!abort) return;
    abort.abort();
    await this.subscription?.close().catch(() => undefined);
    await Promise.all(this.loops);
    this.loops = [];
    this.removeMetricsSource?.();
    await this.session.close();
    this.abort = undefined;
  }

  /** Nudges the projections that handle `eventType` (all if omitted) to read now. */
  wake(eventType?: string): void {
    for (const worker of this.workers.values()) {
      if (eventType === undefined || handlesEvent(worker.projection, eventType)) worker.wake();
    }
  }

  /**
   * Empties the read model and replays the log into it, for the CLI. Takes the projection's lock
   * (fails if another instance holds it); while this runner runs it, the live loop pauses.
   */
  async rebuild(name: string, onProgress?: (done: number, total: number) => void): Promise<number> {
    const worker = this.workers.get(name);
    if (!worker) {
      throw new ReadStoreError('READ_STORE.UNKNOWN_PROJECTION', `no projection named "${name}"`);
    }
    const filter =
      worker.projection.handles === 'all'
        ? undefined
        : { eventTypes: [...worker.projection.handles] };
    // Counting needs no opened value: the stored form, when there is one.
    const count =
      this.options.countEvents ??
      countByReading(this.options.storedEventStore ?? this.options.eventStore);
    try {
      return await worker.rebuild(() => count(filter), onProgress);
    } finally {
      if (!this.abort) await this.session.close();
    }
  }

  async status(): Promise<ProjectionStatus[]> {
    const stored = new Map(
      (await loadAllCheckpoints(this.options.dataSource.manager)).map((c) => [c.projection, c]),
    );
    return [...this.workers.values()].map((worker): ProjectionStatus => {
      const checkpoint = stored.get(worker.projection.name);
      const { failure } = worker;
      return {
        name: worker.projection.name,
        version: worker.projection.version,
        state: worker.state,
        holdingLock: worker.holdingLock,
        checkpoint: checkpoint && {
          version: checkpoint.version,
          position: checkpoint.position ?? null,
          eventsApplied: checkpoint.eventsApplied,
          updatedAt: checkpoint.updatedAt,
        },
        lagSeconds: worker.holdingLock ? worker.lagSeconds : undefined,
        failure: failure && {
          attempts: failure.attempts,
          since: failure.since,
          error: failure.error.code
            ? `${failure.error.name} ${failure.error.code}`
            : failure.error.name,
        },
      };
    });
  }

  /** Wakes projections as events arrive; polling covers any gap while it reconnects. */
  private async watch(signal: AbortSignal): Promise<void> {
    const projections = [...this.workers.values()].map((w) => w.projection);
    const filter = projections.some((p) => p.handles === 'all')
      ? undefined
      : { eventTypes: [...new Set(projections.flatMap((p) => [...p.handles]))] };
    while (!signal.aborted) {
      try {
        const from = await this.options.eventStore.headPosition();
        this.subscription = this.options.eventStore.subscribeToAll({ from, filter });
        if (signal.aborted) break;
        this.wake(); // covers events appended before the subscription saw the head
        for await (const event of this.subscription) this.wake(event.type);
      } catch (error) {
        if (!signal.aborted) {
          this.options.logger.warn(
            { err: describeError(error) },
            'event subscription failed; polling until it is back',
          );
        }
      } finally {
        await this.subscription?.close().catch(() => undefined);
        this.subscription = undefined;
      }
      await sleep(5_000, signal);
    }
  }
}
