import {
  type EventStore,
  EventStoreError,
  type Position,
  type RecordedEvent,
  type Subscription,
} from '@custodia/event-store';
import { type ReadStoreLogger, advisoryLockKey } from '@custodia/read-store';
import type { DataSource, QueryRunner } from 'typeorm';
import { accessEventTypes } from '../access.events';
import { ACCESS_ALERTS_STREAM } from './alert.events';
import {
  type AnomalyOptions,
  type AnomalyState,
  type DetectedAlert,
  type ObservedAccessEvent,
  defaultAnomalyOptions,
  detectAnomalies,
  initialAnomalyState,
} from './anomaly-detection';

export type AlertProcessorOptions = {
  /** Reads the access log, appends the alerts. No personal field is read, so the plain store will do. */
  readonly store: EventStore;
  readonly dataSource: DataSource;
  readonly logger: ReadStoreLogger;
  readonly rules?: Partial<AnomalyOptions>;
  /** Key of the state row and of the advisory lock. Default 'access-alerts'. */
  readonly name?: string;
  /** Save counters and checkpoint after this many events. Default 100. */
  readonly checkpointEvery?: number;
  /** ... or after this long without a new event. Default 1000 ms. */
  readonly idleSaveMs?: number;
  /** Wait before resubscribing after a failure, or retrying a lock held elsewhere. Default 2000 ms. */
  readonly retryMs?: number;
  /** Told of each new alert after it is in the log (a webhook): at least once, dedupe by id. */
  readonly onAlert?: (alert: DetectedAlert) => Promise<void>;
  /** Alerts raised by events older than this (a replay) are not passed to onAlert. Default 15 min. */
  readonly onAlertMaxAgeMs?: number;
  readonly now?: () => Date;
};

type StateRow = { position: string | null; state: AnomalyState; events_seen: string };

const IDLE = Symbol('idle');

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });

/** Name and code only: errors from the store or the driver may carry values in their messages. */
const describe = (error: unknown) =>
  error instanceof Error
    ? { name: error.name, code: (error as { code?: unknown }).code }
    : { name: typeof error };

/**
 * Watches the access log and appends AccessAnomalyDetected to `AccessAlerts`. Counters and the
 * checkpoint are saved together in `access_alert_state`; alerts are appended before the save and
 * carry deterministic ids, so events replayed after a crash raise the same alerts, which the
 * store drops as retries: each alert is in the log once. One instance runs (advisory lock).
 */
export class AlertProcessor {
  private readonly name: string;
  private readonly rules: AnomalyOptions;
  private abort: AbortController | undefined;
  private loop: Promise<void> | undefined;
  private subscription: Subscription | undefined;
  private lock: QueryRunner | undefined;

  private state: AnomalyState = initialAnomalyState();
  private position: Position | undefined;
  private eventsSeen = 0;
  private unsaved = 0;

  constructor(private readonly options: AlertProcessorOptions) {
    this.name = options.name ?? 'access-alerts';
    this.rules = { ...defaultAnomalyOptions, ...options.rules };
  }

  start(): void {
    if (this.loop) return;
    const abort = new AbortController();
    this.abort = abort;
    this.loop = this.run(abort.signal);
  }

  async stop(): Promise<void> {
    this.abort?.abort();
    await this.subscription?.close();
    await this.loop;
    this.loop = undefined;
  }

  private async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        if (!(await this.tryLock())) {
          await sleep(this.options.retryMs ?? 2_000, signal);
          continue;
        }
        await this.load();
        await this.follow(signal);
      } catch (error) {
        if (signal.aborted) break;
        this.options.logger.error(
          { processor: this.name, error: describe(error) },
          'alert processor failed, retrying',
        );
        await this.subscription?.close().catch(() => undefined);
        await sleep(this.options.retryMs ?? 2_000, signal);
      }
    }
    await this.save().catch((error: unknown) =>
      this.options.logger.warn(
        { processor: this.name, error: describe(error) },
        'alert state not saved on stop',
      ),
    );
    await this.unlock();
  }

  /** Catch-up then live, saving every `checkpointEvery` events and whenever the log goes quiet. */
  private async follow(signal: AbortSignal): Promise<void> {
    const subscription = this.options.store.subscribeToAll({
      from: this.position,
      filter: { eventTypes: accessEventTypes },
    });
    this.subscription = subscription;
    const events = subscription[Symbol.asyncIterator]();
    const idleSaveMs = this.options.idleSaveMs ?? 1_000;
    while (!signal.aborted) {
      const next = events.next();
      let result = await this.orIdle(next, idleSaveMs);
      if (result === IDLE) {
        await this.save();
        result = await next;
      }
      if (result.done) return;
      await this.handle(result.value);
      if (this.unsaved >= (this.options.checkpointEvery ?? 100)) await this.save();
    }
  }

  private async orIdle<T>(next: Promise<T>, ms: number): Promise<T | typeof IDLE> {
    if (this.unsaved === 0) return next;
    let timer: NodeJS.Timeout | undefined;
    const idle = new Promise<typeof IDLE>(
      (resolve) => (timer = setTimeout(() => resolve(IDLE), ms)),
    );
    try {
      return await Promise.race([next, idle]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async handle(event: RecordedEvent): Promise<void> {
    const observed = {
      id: event.id,
      type: event.type,
      data: event.data,
    } as unknown as ObservedAccessEvent;
    const { state, alerts } = detectAnomalies(this.state, observed, this.rules);
    for (const alert of alerts) await this.raise(alert, event.recordedAt);
    this.state = state;
    this.position = event.position;
    this.eventsSeen += 1;
    this.unsaved += 1;
  }

  /** One alert per append: a replayed alert is then the same batch again, answered as a retry. */
  private async raise(alert: DetectedAlert, raisedBy: Date): Promise<void> {
    try {
      await this.options.store.append(ACCESS_ALERTS_STREAM, [alert], { expectedRevision: 'any' });
    } catch (error) {
      // Adapters that do not answer a retry as the first append: the alert is already there.
      if (!(error instanceof EventStoreError && error.code === 'EVENT_STORE.DUPLICATE_EVENT_ID'))
        throw error;
      return;
    }
    const { onAlert, onAlertMaxAgeMs = 15 * 60_000, now = () => new Date() } = this.options;
    if (onAlert && now().getTime() - raisedBy.getTime() <= onAlertMaxAgeMs) await onAlert(alert);
  }

  private async load(): Promise<void> {
    const rows: StateRow[] = await this.options.dataSource.query(
      `SELECT position, state, events_seen FROM access_alert_state WHERE processor = $1`,
      [this.name],
    );
    const row = rows.at(0);
    this.state = row?.state ?? initialAnomalyState();
    this.position = (row?.position ?? undefined) as Position | undefined;
    this.eventsSeen = Number(row?.events_seen ?? 0);
    this.unsaved = 0;
  }

  private async save(): Promise<void> {
    if (this.unsaved === 0) return;
    await this.options.dataSource.query(
      `INSERT INTO access_alert_state (processor, position, state, events_seen, updated_at)
       VALUES ($1, $2, $3, $4, now())
       ON CONFLICT (processor) DO UPDATE
         SET position = EXCLUDED.position, state = EXCLUDED.state,
             events_seen = EXCLUDED.events_seen, updated_at = EXCLUDED.updated_at`,
      [this.name, this.position ?? null, JSON.stringify(this.state), this.eventsSeen],
    );
    this.unsaved = 0;
  }

  /** A session lock on its own connection: freed by PostgreSQL if this process dies. */
  private async tryLock(): Promise<boolean> {
    if (this.lock && !this.lock.isReleased) return true;
    const runner = this.options.dataSource.createQueryRunner();
    await runner.connect();
    const rows = (await runner.query('SELECT pg_try_advisory_lock($1::bigint) AS locked', [
      advisoryLockKey(`alert-processor:${this.name}`),
    ])) as { locked: boolean }[];
    if (rows[0]?.locked === true) {
      this.lock = runner;
      return true;
    }
    await runner.release();
    return false;
  }

  private async unlock(): Promise<void> {
    const runner = this.lock;
    this.lock = undefined;
    if (!runner || runner.isReleased) return;
    await runner
      .query('SELECT pg_advisory_unlock($1::bigint)', [
        advisoryLockKey(`alert-processor:${this.name}`),
      ])
      .catch(() => undefined);
    await runner.release();
  }
}
