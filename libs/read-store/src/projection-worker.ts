import type { AllFilter, EventStore, RecordedEvent } from '@custodia/event-store';
import type { DataSource } from 'typeorm';
import type { AdvisoryLockSession } from './advisory-lock.session';
import type { Projection } from './projection';
import { applyBatch, assertAscending, resetReadModel } from './projection-batch';
import { loadCheckpoint, type ProjectionCheckpoint } from './projection-checkpoint.repository';
import type { ProjectionMetrics } from './projection-metrics';
import { backoffDelay, sleep, WakeSignal, type BackoffOptions } from './projection-wait';
import { ReadStoreError } from './read-store.errors';
import {
  describeError,
  type ReadStoreLogger,
  type SafeErrorDescription,
} from './read-store.logger';

export type ProjectionState =
  'stopped' | 'waiting_for_lock' | 'catching_up' | 'live' | 'rebuilding' | 'failing';

export type WorkerSettings = {
  readonly batchSize: number;
  readonly batchTimeoutMs: number;
  readonly pollIntervalMs: number;
  /** After a wake-up, how long to let more events gather before reading (batches, not trickles). */
  readonly coalesceMs: number;
  readonly lockRetryMs: number;
  readonly backoff: BackoffOptions;
  readonly now: () => Date;
};

export type WorkerDeps = {
  readonly dataSource: DataSource;
  readonly eventStore: EventStore;
  readonly session: AdvisoryLockSession;
  readonly logger: ReadStoreLogger;
  readonly metrics: ProjectionMetrics;
  readonly settings: WorkerSettings;
};

export type WorkerFailure = {
  readonly attempts: number;
  readonly since: Date;
  readonly error: SafeErrorDescription;
};

type Next =
  { readonly wait: 'none' | 'events' | 'lock' } | { readonly wait: 'backoff'; ms: number };

/** Runs one projection: holds its lock, applies batches, retries failures, rebuilds on demand. */
export class ProjectionWorker {
  state: ProjectionState = 'stopped';
  checkpoint: ProjectionCheckpoint | undefined;
  failure: WorkerFailure | undefined;
  private running = false;
  private locked = false;
  private loaded = false;
  private oldestPending: Date | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly wakeSignal = new WakeSignal();
  private readonly filter: AllFilter | undefined;

  constructor(
    readonly projection: Projection,
    private readonly deps: WorkerDeps,
  ) {
    this.filter =
      projection.handles === 'all' ? undefined : { eventTypes: [...projection.handles] };
  }

  get holdingLock(): boolean {
    return this.deps.session.holds(this.projection.name);
  }

  /** Age of the oldest event read but not yet committed; 0 when caught up. */
  get lagSeconds(): number {
    if (!this.oldestPending) return 0;
    return Math.max(0, (this.deps.settings.now().getTime() - this.oldestPending.getTime()) / 1000);
  }

  wake(): void {
    this.wakeSignal.wake();
  }

  /** Loops until `signal` aborts; never rejects. Ends after the current batch, lock released. */
  async run(signal: AbortSignal): Promise<void> {
    const { settings } = this.deps;
    this.running = true;
    try {
      while (!signal.aborted) {
        const next = await this.exclusive(() => this.tick());
        if (next.wait === 'events') {
          const woken = await this.wakeSignal.wait(settings.pollIntervalMs, signal);
          if (woken && settings.coalesceMs > 0) await sleep(settings.coalesceMs, signal);
        } else if (next.wait === 'lock') await sleep(settings.lockRetryMs, signal);
        else if (next.wait === 'backoff') await sleep(next.ms, signal);
      }
    } finally {
      this.running = false;
      await this.exclusive(() => this.release());
      this.state = 'stopped';
    }
  }

  /** Reset, then apply the whole log up to its current end, reporting progress per batch. */
  rebuild(
    total: () => Promise<number>,
    onProgress?: (done: number, total: number) => void,
  ): Promise<number> {
    const { name } = this.projection;
    return this.exclusive(async () => {
      const temporary = !this.holdingLock;
      if (temporary && !(await this.deps.session.tryLock(name))) {
        throw new ReadStoreError(
          'READ_STORE.PROJECTION_LOCKED',
          `projection "${name}" is running in another instance; stop it first`,
        );
      }
      this.state = 'rebuilding';
      try {
        const expected = await total();
        await this.resetReadModel();
        let done = 0;
        onProgress?.(done, expected);
        // The next page is read while this one is applied (PostgreSQL and this process
        // overlap), from the position this batch moves the checkpoint to: the same page the
        // read after the commit would return. A failed batch leaves the read unused.
        let events = await this.read();
        while (events.length > 0) {
          const next = this.read(events[events.length - 1].position);
          next.catch(() => undefined); // awaited below, or dropped with the failed batch
          await this.applyBatch(events);
          done += events.length;
          onProgress?.(done, Math.max(expected, done));
          events = await next;
        }
        this.deps.logger.info({ projection: name, events: done }, 'projection rebuilt');
        return done;
      } finally {
        this.state = this.running ? 'live' : 'stopped';
        // A running loop keeps the lock it would otherwise have taken itself.
        if (temporary && !this.running) await this.release();
      }
    });
  }

  private async tick(): Promise<Next> {
    try {
      if (!(await this.ensureLock())) {
        this.state = 'waiting_for_lock';
        return { wait: 'lock' };
      }
      const applied = await this.step();
      this.recovered();
      this.state = applied === 'full' ? 'catching_up' : 'live';
      // A short batch reached the end of the log as read: wait for the next wake-up (a wake-up
      // that came while applying is remembered) rather than reading once more for nothing.
      return { wait: applied === 'full' ? 'none' : 'events' };
    } catch (error) {
      return this.failed(error);
    }
  }

  private async ensureLock(): Promise<boolean> {
    const { name } = this.projection;
    if (this.holdingLock) return (this.locked = true);
    if (this.locked) {
      this.deps.logger.warn({ projection: name }, 'projection lock lost; standing by');
      this.locked = false;
    }
    this.loaded = false;
    this.oldestPending = undefined;
    if (!(await this.deps.session.tryLock(name))) return false;
    this.locked = true;
    this.deps.logger.info({ projection: name }, 'projection lock acquired');
    return true;
  }

  /** One batch: `full` when there may be more to read at once, `short` or `none` otherwise. */
  private async step(): Promise<'none' | 'short' | 'full'> {
    if (!this.loaded) await this.load();
    const events = await this.read();
    if (events.length === 0) {
      this.oldestPending = undefined;
      return 'none';
    }
    this.oldestPending = events[0].recordedAt;
    await this.applyBatch(events);
    const full = events.length >= this.deps.settings.batchSize;
    this.oldestPending = full ? events.at(-1)?.recordedAt : undefined;
    return full ? 'full' : 'short';
  }

  private async load(): Promise<void> {
    const { name, version } = this.projection;
    const stored = await loadCheckpoint(this.deps.dataSource.manager, name);
    if (stored && stored.version > version) {
      // A rolling deploy: a newer instance owns this read model; do not rebuild it back.
      throw new ReadStoreError(
        'READ_STORE.NEWER_VERSION_RUNNING',
        `projection "${name}" is at version ${stored.version}, this instance runs ${version}`,
      );
    }
    if (stored?.version === version) {
      this.checkpoint = stored;
    } else {
      this.deps.logger.info(
        { projection: name, storedVersion: stored?.version ?? null, version },
        'projection version changed; rebuilding from zero',
      );
      await this.resetReadModel();
    }
    this.loaded = true;
  }

  private async resetReadModel(): Promise<void> {
    this.checkpoint = await resetReadModel(this.deps.dataSource, this.projection);
    this.loaded = true;
  }

  private read(from = this.checkpoint?.position): Promise<RecordedEvent[]> {
    return this.deps.eventStore.readAll({
      from,
      maxCount: this.deps.settings.batchSize,
      filter: this.filter,
    });
  }

  private async applyBatch(events: readonly RecordedEvent[]): Promise<void> {
    const expected = this.checkpoint?.position;
    const { dataSource, eventStore } = this.deps;
    assertAscending(events, expected, (a, b) => eventStore.comparePositions(a, b));
    this.checkpoint = await applyBatch(
      dataSource,
      this.projection,
      expected,
      events,
      this.deps.settings.batchTimeoutMs,
    );
    this.deps.metrics.eventsApplied(this.projection.name, events.length);
  }

  private async failed(error: unknown): Promise<Next> {
    const { name } = this.projection;
    const attempts = (this.failure?.attempts ?? 0) + 1;
    const described = describeError(error);
    const ms = backoffDelay(attempts, this.deps.settings.backoff);
    this.failure = {
      attempts,
      since: this.failure?.since ?? this.deps.settings.now(),
      error: described,
    };
    this.loaded = false; // the commit may or may not have happened: reload the checkpoint
    this.state = 'failing';
    this.deps.metrics.failed(name);
    this.deps.logger.error(
      { projection: name, attempts, retryInMs: ms, err: described },
      'projection batch rolled back; will retry',
    );
    if (error instanceof ReadStoreError && error.code === 'READ_STORE.NEWER_VERSION_RUNNING') {
      await this.release(); // let the newer instance take over
    }
    return { wait: 'backoff', ms };
  }

  private recovered(): void {
    if (!this.failure) return;
    this.deps.logger.info(
      { projection: this.projection.name, attempts: this.failure.attempts },
      'projection recovered',
    );
    this.failure = undefined;
  }

  private async release(): Promise<void> {
    this.locked = false;
    this.loaded = false;
    this.oldestPending = undefined;
    await this.deps.session.unlock(this.projection.name).catch((error: unknown) => {
      this.deps.logger.warn(
        { projection: this.projection.name, err: describeError(error) },
        'could not release projection lock; it ends with the connection',
      );
    });
  }

  /** Batches, lock changes and rebuilds of one projection never overlap. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work);
    this.queue = result.catch(() => undefined);
    return result;
  }
}
