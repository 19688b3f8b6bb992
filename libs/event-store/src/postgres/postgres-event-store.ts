import { Pool, type PoolClient } from 'pg';
import { EventStoreError } from '../event-store.errors';
import {
  checkExpectedRevision,
  checkReadAllOptions,
  checkReadStreamOptions,
  duplicateEventId,
} from '../event-store.guards';
import type {
  AppendOptions,
  AppendResult,
  EventStore,
  NewEvent,
  Position,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  ScanOptions,
  SubscribeOptions,
  Subscription,
} from '../event-store.port';
import { type AppendQuery, appendQuery } from './postgres-append.query';
import { toStoreError, uniqueViolation } from './postgres-errors';
import * as sql from './postgres-event-store.sql';
import { PostgresNotifier } from './postgres-notifier';
import { START, comparePositions, decodePosition, encodePosition } from './postgres-position';
import { PostgresSubscription } from './postgres-subscription';

export type PostgresEventStoreOptions = {
  /** Connection string: the store opens its own pool and ends it on close(). */
  readonly url?: string;
  /** Or a pool owned by the caller: the store uses it (plus one LISTEN connection), never ends it. */
  readonly pool?: Pool;
  /** Pool size when the store opens its own pool. */
  readonly poolSize?: number;
  /** Subscriptions poll this often when no NOTIFY arrives (missed or lost). */
  readonly pollIntervalMs?: number;
  /** Events per subscription read. */
  readonly pageSize?: number;
};

type LastWritten = { revision: string; transaction_id: string; global_position: string };

const MAX_REVISION = '9223372036854775807';
/** Retries of `any`/`exists` appends that lost a race; each lost race means another writer won. */
const MAX_APPEND_ATTEMPTS = 100;

const likePrefix = (prefix: string): string => `${prefix.replace(/[\\%_]/g, '\\$&')}%`;

const readAllValues = (options: ReadAllOptions): unknown[] => {
  const from = options.from === undefined ? START : decodePosition(options.from);
  return [
    from.transactionId,
    from.globalPosition,
    options.filter?.eventTypes ?? null,
    options.filter?.streamPrefixes?.map(likePrefix) ?? null,
    options.maxCount ?? null,
  ];
};

/** Events per round trip of `scanAll`. */
const SCAN_PAGE = 5000;

const toRecorded = (row: sql.EventRow): RecordedEvent => ({
  id: row.event_id,
  streamId: row.stream_id,
  type: row.type,
  revision: Number(row.revision),
  position: encodePosition(row.transaction_id, row.global_position),
  data: row.data,
  metadata: row.metadata,
  recordedAt: new Date(row.recorded_at_ms),
  hash: row.hash,
});

/** The default event store: one append-only table in PostgreSQL, schema in eventStoreMigrations. */
export class PostgresEventStore implements EventStore {
  private readonly pool: Pool;
  private readonly ownsPool: boolean;
  private readonly notifier: PostgresNotifier;
  private readonly subscriptions = new Set<PostgresSubscription>();
  private readonly pollIntervalMs: number;
  private readonly pageSize: number;
  private closing: Promise<void> | undefined;

  /** Opens a store and checks the database answers, so start-up fails early and clearly. */
  static async connect(
    source: string | Pool,
    options: Omit<PostgresEventStoreOptions, 'url' | 'pool'> = {},
  ): Promise<PostgresEventStore> {
    const store = new PostgresEventStore(
      typeof source === 'string' ? { ...options, url: source } : { ...options, pool: source },
    );
    try {
      await store.ping();
      return store;
    } catch (error) {
      await store.close();
      throw error;
    }
  }

  constructor(options: PostgresEventStoreOptions) {
    if (!options.pool && !options.url)
      throw new EventStoreError('EVENT_STORE.INVALID_ARGUMENT', 'give a pool or a url');
    this.ownsPool = !options.pool;
    this.pool =
      options.pool ??
      new Pool({
        connectionString: options.url,
        max: options.poolSize ?? 10,
        application_name: 'custodia-event-store',
      });
    // An idle connection that drops must not crash the process; the next query reports it.
    if (this.ownsPool) this.pool.on('error', () => undefined);
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
    this.pageSize = options.pageSize ?? 500;
    this.notifier = new PostgresNotifier(this.pool, this.pollIntervalMs);
  }

  /**
   * The returned position may still be invisible to readAll (an older transaction may be open):
   * wait for headPosition() to reach it, but do not resume a read from it.
   */
  async append(
    streamId: string,
    events: readonly NewEvent[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    const expected = options.expectedRevision ?? 'any';
    const query = appendQuery(streamId, events, expected);
    for (let attempt = 1; attempt <= MAX_APPEND_ATTEMPTS; attempt++) {
      const written = await this.tryAppend(query);
      if (written) {
        this.notifier.announce();
        return this.result(written);
      }
      const retried = await this.findRetry(streamId, query);
      if (retried) return retried;
      const [{ revision }] = await this.query<{ revision: string }>(sql.STREAM_REVISION, [
        streamId,
      ]);
      checkExpectedRevision(streamId, expected, Number(revision)); // still holds: race again
    }
    throw new EventStoreError('EVENT_STORE.UNAVAILABLE', `stream ${streamId}: too much contention`);
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    checkReadStreamOptions(options);
    const backwards = options.direction === 'backwards';
    const rows = await this.query<sql.EventRow>(
      backwards ? sql.READ_STREAM_BACKWARDS : sql.READ_STREAM_FORWARDS,
      [streamId, options.fromRevision ?? (backwards ? MAX_REVISION : 0), options.maxCount ?? null],
    );
    return rows.map(toRecorded);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    checkReadAllOptions(options);
    const rows = await this.query<sql.EventRow>(
      options.committed === true ? sql.READ_ALL_COMMITTED : sql.READ_ALL,
      readAllValues(options),
    );
    return rows.map(toRecorded);
  }

  /** readAll, and whether committed events wait behind an older transaction (one snapshot). */
  async readAllWithHeldBack(
    options: ReadAllOptions,
  ): Promise<{ events: RecordedEvent[]; heldBack: boolean }> {
    checkReadAllOptions(options);
    const rows = await this.query<{ held_back: boolean } & Partial<sql.EventRow>>(
      sql.READ_ALL_WITH_HELD_BACK,
      readAllValues(options),
    );
    const events = rows.filter((row): row is sql.EventRow & { held_back: boolean } =>
      Boolean(row.event_id),
    );
    return { events: events.map(toRecorded), heldBack: rows[0]?.held_back === true };
  }

  /**
   * One REPEATABLE READ, READ ONLY transaction on one connection: every page sees the snapshot
   * taken at its first query, so a transaction that commits during the scan shows none of its
   * events (no gap-safety horizon is needed, and none lags). The next page is requested before
   * the current one is handed out, so the server works while the consumer does.
   */
  async *scanAll(options: ScanOptions = {}): AsyncGenerator<RecordedEvent> {
    this.assertOpen();
    const pageSize = options.pageSize ?? SCAN_PAGE;
    checkReadAllOptions({ maxCount: pageSize, ...(options.filter && { filter: options.filter }) });
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw toStoreError(error);
    }
    const page = (from: Position | undefined): Promise<sql.EventRow[]> => {
      const values = readAllValues({
        ...(from === undefined ? {} : { from }),
        maxCount: pageSize,
        ...(options.filter && { filter: options.filter }),
      });
      const rows = client
        .query<sql.EventRow>(sql.prepared(sql.READ_ALL_COMMITTED, values))
        .then((result) => result.rows);
      rows.catch(() => undefined); // awaited below, unless the consumer stops first
      return rows;
    };
    let broken: Error | undefined;
    let committed = false;
    let next: Promise<sql.EventRow[]> | undefined;
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      next = page(undefined);
      while (next !== undefined) {
        const rows: sql.EventRow[] = await next;
        const last = rows.at(-1);
        next =
          rows.length < pageSize || last === undefined
            ? undefined
            : page(encodePosition(last.transaction_id, last.global_position));
        for (const row of rows) yield toRecorded(row);
      }
      await client.query('COMMIT');
      committed = true;
    } catch (error) {
      broken = error instanceof Error ? error : new Error(String(error));
      throw toStoreError(error);
    } finally {
      // Stopped early: end the transaction once the page read ahead is in (one query at a time
      // on a connection).
      if (!committed && broken === undefined) {
        await next?.catch(() => undefined);
        await client.query('ROLLBACK').catch((error: unknown) => {
          broken = error instanceof Error ? error : new Error(String(error));
        });
      }
      client.release(broken);
    }
  }

  subscribeToAll(options: SubscribeOptions = {}): Subscription {
    this.assertOpen();
    checkReadAllOptions(options);
    if (options.from !== undefined) decodePosition(options.from);
    const subscription = new PostgresSubscription(
      {
        notifier: this.notifier,
        pollIntervalMs: this.pollIntervalMs,
        pageSize: this.pageSize,
        readAllWithHeldBack: (read) => this.readAllWithHeldBack(read),
        headPosition: () => this.headPosition(),
        comparePositions,
        forget: (closed) => this.subscriptions.delete(closed),
      },
      options.from,
      options.filter,
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  comparePositions(a: Position, b: Position): number {
    return comparePositions(a, b);
  }

  async headPosition(): Promise<Position | undefined> {
    const [head] = await this.query<LastWritten>(sql.HEAD_POSITION, []);
    return head && encodePosition(head.transaction_id, head.global_position);
  }

  async ping(): Promise<void> {
    await this.query('SELECT 1', []);
  }

  /** Ends subscriptions, the LISTEN connection and (when the store opened it) the pool. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
      await this.notifier.close();
      if (this.ownsPool) await this.pool.end();
    })();
    return this.closing;
  }

  /** The last event written, or undefined when the expectation failed or the race was lost. */
  private async tryAppend(query: AppendQuery): Promise<LastWritten | undefined> {
    this.assertOpen();
    try {
      const { rows } = await this.pool.query<LastWritten>(sql.prepared(query.text, query.values));
      return rows[0];
    } catch (error) {
      const constraint = uniqueViolation(error);
      if (constraint === 'events_stream_revision_key' || constraint === 'events_event_id_key')
        return undefined;
      throw toStoreError(error);
    }
  }

  /** The same events, in the same order, already in this stream: answer as the first time. */
  private async findRetry(streamId: string, query: AppendQuery): Promise<AppendResult | undefined> {
    const ids = query.events.map((event) => event.id);
    const rows = await this.query<LastWritten & { event_id: string; stream_id: string }>(
      sql.EVENTS_BY_ID,
      [ids],
    );
    if (rows.length === 0) return undefined;
    const byId = new Map(rows.map((row) => [row.event_id, row]));
    const found = ids.map((id) => byId.get(id));
    const first = Number(found[0]?.revision);
    const isRetry = found.every(
      (row, index) => row?.stream_id === streamId && Number(row.revision) === first + index,
    );
    const last = found[found.length - 1];
    if (!isRetry || !last) throw duplicateEventId();
    return this.result(last);
  }

  private result(written: LastWritten): AppendResult {
    return {
      nextExpectedRevision: Number(written.revision),
      position: encodePosition(written.transaction_id, written.global_position),
    };
  }

  private async query<Row extends object>(text: string, values: unknown[]): Promise<Row[]> {
    this.assertOpen();
    try {
      return (await this.pool.query<Row>(sql.prepared(text, values))).rows;
    } catch (error) {
      throw toStoreError(error);
    }
  }

  private assertOpen(): void {
    if (this.closing)
      throw new EventStoreError('EVENT_STORE.UNAVAILABLE', 'the event store is closed');
  }
}
