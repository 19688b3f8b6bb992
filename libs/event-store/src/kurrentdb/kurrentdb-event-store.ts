import {
  BACKWARDS,
  END,
  FORWARDS,
  KurrentDBClient,
  START,
  type AllStreamResolvedEvent,
  type ReadPosition,
} from '@kurrent/kurrentdb-client';
import { EventStoreError } from '../event-store.errors';
import { checkReadAllOptions, checkReadStreamOptions, matchesFilter } from '../event-store.guards';
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
import { HashChainAppender } from './kurrentdb-append';
import {
  comparePositions,
  decodePosition,
  encodePosition,
  isStreamNotFound,
  matchesNothing,
  toEventStoreError,
  toRecordedEvent,
  toServerFilter,
} from './kurrentdb-mapping';
import {
  KurrentDbSubscription,
  type SubscriptionRetry,
  defaultSubscriptionRetry,
} from './kurrentdb-subscription';

export type KurrentDbEventStoreOptions = {
  /** Events per round trip when paging $all (default 500). */
  readonly pageSize?: number;
  /** `ping()` fails after this long (default 5 s). */
  readonly pingTimeoutMs?: number;
  readonly subscriptionRetry?: SubscriptionRetry;
  /**
   * Newest events of the stream read before each append (default 100, at least 1): a retried
   * append is recognised while its last event is among them.
   */
  readonly retryWindow?: number;
};

/**
 * The event store port on KurrentDB (or EventStoreDB 22.6+) through `@kurrent/kurrentdb-client`.
 * Streams map one to one; the global log is $all without system events; positions are the
 * server's `{commit, prepare}` encoded by `encodePosition`.
 *
 * The hash chain (`event-hash.ts`) is computed here, as the server cannot: each event's hash is
 * stored in its metadata under `$custodia.hash` (stripped on read; callers may not use the key).
 * Cost: one extra read per append. Before appending, the stream's newest `retryWindow` events are
 * read backwards (last revision and hash, and what recognising a retry needs); the expectation
 * is checked here and the batch appended at exactly the revision read, so no batch is ever
 * chained onto a stale hash. A writer that loses that race reads again while its expectation
 * ('any', 'exists') still allows it, up to 100 rounds, then fails UNAVAILABLE; under contention
 * each round costs that read again. After the append, one read finds the last event's position
 * in $all, as before.
 *
 * A retried append (same ids) returns its original result while its last event is among the
 * stream's newest `retryWindow` events. Past that, a retry under 'any' or 'exists' would be
 * written again (the server's own id check cannot help once appends name an exact revision); one
 * under a revision or 'no_stream' fails with WrongExpectedRevision instead.
 */
export class KurrentDbEventStore implements EventStore {
  private closed = false;
  private readonly subscriptions = new Set<KurrentDbSubscription>();
  private readonly pageSize: number;
  private readonly pingTimeoutMs: number;
  private readonly subscriptionRetry: SubscriptionRetry;
  private readonly appender: HashChainAppender;

  private constructor(
    private readonly client: KurrentDBClient,
    options: KurrentDbEventStoreOptions,
  ) {
    this.pageSize = Math.max(2, options.pageSize ?? 500);
    this.pingTimeoutMs = options.pingTimeoutMs ?? 5_000;
    this.subscriptionRetry = options.subscriptionRetry ?? defaultSubscriptionRetry;
    this.appender = new HashChainAppender(client, Math.max(1, options.retryWindow ?? 100));
  }

  /**
   * `kurrentdb://host:2113?tls=false` (also `kurrent://`, `kdb://`, `+discover` forms) or the
   * older `esdb://`, rewritten so the client does not warn on every start. Connects lazily.
   */
  static fromConnectionString(
    connectionString: string,
    options: KurrentDbEventStoreOptions = {},
  ): KurrentDbEventStore {
    const normalised = connectionString.replace(/^esdb(\+discover)?:\/\//i, 'kurrentdb$1://');
    let client: KurrentDBClient;
    try {
      client = KurrentDBClient.connectionString(normalised);
    } catch {
      // The parser's message may echo the string, credentials included: keep it out.
      throw new EventStoreError(
        'EVENT_STORE.INVALID_ARGUMENT',
        'KURRENTDB_URL is not a valid connection string (kurrentdb://host:2113?tls=false)',
      );
    }
    return new KurrentDbEventStore(client, options);
  }

  /** Over a client configured elsewhere (credentials provider, certificates, or a test fake). */
  static fromClient(
    client: KurrentDBClient,
    options: KurrentDbEventStoreOptions = {},
  ): KurrentDbEventStore {
    return new KurrentDbEventStore(client, options);
  }

  async append(
    streamId: string,
    events: readonly NewEvent[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    this.assertOpen();
    const expected = options.expectedRevision ?? 'any';
    try {
      return await this.appender.append(streamId, events, expected);
    } catch (error) {
      throw toEventStoreError(error, { operation: 'append', streamId, expected });
    }
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    checkReadStreamOptions(options);
    const backwards = options.direction === 'backwards';
    const events: RecordedEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(streamId, {
        direction: backwards ? BACKWARDS : FORWARDS,
        fromRevision:
          options.fromRevision === undefined
            ? backwards
              ? END
              : START
            : BigInt(options.fromRevision),
        ...(options.maxCount === undefined ? {} : { maxCount: options.maxCount }),
      })) {
        const event = toRecordedEvent(resolved.event);
        if (event !== undefined) events.push(event);
      }
    } catch (error) {
      if (isStreamNotFound(error)) return [];
      throw toEventStoreError(error, { operation: 'readStream', streamId });
    }
    return events;
  }

  /**
   * `readAll` pages up to the head seen when the scan began. KurrentDB commits in log order, so
   * nothing can land behind a page already read; events appended meanwhile are left out.
   */
  async *scanAll(options: ScanOptions = {}): AsyncGenerator<RecordedEvent> {
    const pageSize = options.pageSize ?? 5000;
    const end = await this.headPosition();
    if (end === undefined) return;
    let from: Position | undefined;
    for (;;) {
      const page = await this.readAll({
        ...(from === undefined ? {} : { from }),
        maxCount: pageSize,
        ...(options.filter && { filter: options.filter }),
      });
      for (const event of page) {
        if (comparePositions(event.position, end) > 0) return;
        yield event;
      }
      const last = page.at(-1);
      if (page.length < pageSize || last === undefined) return;
      from = last.position;
    }
  }

  /**
   * Pages $all forwards with the server-side filter, then applies the exact filter here. `from`
   * is exclusive; the server's read is inclusive of its start, so that event is skipped.
   */
  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    checkReadAllOptions(options);
    if (options.from !== undefined) decodePosition(options.from);
    const { filter } = options;
    const limit = options.maxCount ?? Number.POSITIVE_INFINITY;
    if (matchesNothing(filter)) return [];
    const serverFilter = toServerFilter(filter);
    const page: RecordedEvent[] = [];
    let after = options.from;
    let fromPosition: ReadPosition = after === undefined ? START : decodePosition(after);
    try {
      while (page.length < limit) {
        // +1: the first event of a continued read is the one we stopped at.
        const batch = Math.min(this.pageSize, limit - page.length + 1);
        let seen = 0;
        let last: AllStreamResolvedEvent['event'];
        for await (const resolved of this.client.readAll({
          direction: FORWARDS,
          fromPosition,
          maxCount: batch,
          filter: serverFilter,
        })) {
          seen += 1;
          if (resolved.event === undefined) continue;
          last = resolved.event;
          const event = toRecordedEvent(resolved.event);
          if (event === undefined || !matchesFilter(filter, event)) continue;
          if (after !== undefined && comparePositions(event.position, after) <= 0) continue;
          page.push(event);
          after = event.position;
          if (page.length >= limit) break;
        }
        if (seen < batch || last === undefined) break; // end of the log
        fromPosition = last.position;
        after = maxPosition(after, encodePosition(last.position));
      }
    } catch (error) {
      throw toEventStoreError(error, { operation: 'readAll' });
    }
    return page;
  }

  subscribeToAll(options: SubscribeOptions = {}): Subscription {
    this.assertOpen();
    checkReadAllOptions(options);
    if (options.from !== undefined) decodePosition(options.from);
    const subscription: KurrentDbSubscription = new KurrentDbSubscription(
      this.client,
      options,
      this.subscriptionRetry,
      () => this.subscriptions.delete(subscription),
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  comparePositions(a: Position, b: Position): number {
    return comparePositions(a, b);
  }

  /** The last non-system event of $all, read backwards with the server-side filter. */
  async headPosition(): Promise<Position | undefined> {
    this.assertOpen();
    try {
      for await (const resolved of this.client.readAll({
        direction: BACKWARDS,
        fromPosition: END,
        filter: toServerFilter(undefined),
      })) {
        const event = toRecordedEvent(resolved.event);
        if (event !== undefined) return event.position;
      }
      return undefined;
    } catch (error) {
      throw toEventStoreError(error, { operation: 'headPosition' });
    }
  }

  /** One backwards read of one record: proves the server answers reads, with a time limit. */
  async ping(): Promise<void> {
    this.assertOpen();
    const read = this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new EventStoreError(
              'EVENT_STORE.UNAVAILABLE',
              `KurrentDB ping got no answer within ${this.pingTimeoutMs} ms`,
            ),
          ),
        this.pingTimeoutMs,
      );
    });
    try {
      await Promise.race([read.next(), timeout]);
    } catch (error) {
      throw toEventStoreError(error, { operation: 'ping' });
    } finally {
      clearTimeout(timer);
      read.return?.(undefined).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.subscriptions].map((subscription) => subscription.close()));
    await this.client.dispose();
  }

  private assertOpen(): void {
    if (this.closed)
      throw new EventStoreError('EVENT_STORE.UNAVAILABLE', 'the event store is closed');
  }
}

const maxPosition = (a: Position | undefined, b: Position): Position =>
  a === undefined || comparePositions(a, b) < 0 ? b : a;
