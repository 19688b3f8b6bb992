import type { Clock } from '@custodia/platform';
import { chainHash, eventDigest, GENESIS_HASH } from '../event-hash';
import { EventStoreError } from '../event-store.errors';
import {
  checkExpectedRevision,
  checkReadAllOptions,
  checkReadStreamOptions,
  duplicateEventId,
  matchesFilter,
  prepareAppend,
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

const toPosition = (sequence: number): Position => String(sequence).padStart(20, '0') as Position;

const toSequence = (position: Position): number => {
  if (typeof position !== 'string' || !/^\d{20}$/.test(position))
    throw new EventStoreError('EVENT_STORE.INVALID_ARGUMENT', 'not an in-memory position');
  return Number(position);
};

/** A promise with its resolver, to wake waiting subscriptions (Node 20 has no withResolvers). */
const signal = (): { promise: Promise<void>; resolve: () => void } => {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
};

/** What a JSON column would give back: no shared references, no undefined, dates as strings. */
const asStored = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

const copyOf = (event: RecordedEvent): RecordedEvent => ({
  ...event,
  data: asStored(event.data),
  metadata: asStored(event.metadata),
  recordedAt: new Date(event.recordedAt),
});

/**
 * The full port in process memory, for unit tests (projection runner, handlers). Appends commit
 * atomically in call order, so the global log has no gaps to guard against.
 */
export class InMemoryEventStore implements EventStore {
  private readonly log: RecordedEvent[] = [];
  private readonly streams = new Map<string, RecordedEvent[]>();
  private readonly byId = new Map<string, RecordedEvent>();
  private wakeUp = signal();
  private closed = false;

  constructor(private readonly clock: Clock = { now: () => new Date() }) {}

  // eslint-disable-next-line @typescript-eslint/require-await -- async keeps throw-as-rejection
  async append(
    streamId: string,
    events: readonly NewEvent[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    this.assertOpen();
    const expected = options.expectedRevision ?? 'any';
    const prepared = prepareAppend(streamId, events, expected);
    const stream = this.streams.get(streamId) ?? [];

    const known = prepared.map((event) => this.byId.get(event.id));
    if (known.some((event) => event !== undefined)) {
      const first = known[0];
      const isRetry =
        first !== undefined &&
        known.every(
          (event, index) =>
            event?.streamId === streamId && event.revision === first.revision + index,
        );
      const last = known[known.length - 1];
      if (!isRetry || last === undefined) throw duplicateEventId();
      return { nextExpectedRevision: last.revision, position: last.position };
    }

    checkExpectedRevision(streamId, expected, stream.length - 1);
    const recordedAt = this.clock.now();
    for (const event of prepared) {
      const data = asStored(event.data);
      const metadata = asStored(event.metadata);
      const previous = stream.at(-1)?.hash;
      const hash = chainHash(
        previous === undefined ? GENESIS_HASH : Buffer.from(previous, 'hex'),
        stream.length,
        eventDigest({ streamId, id: event.id, type: event.type, data, metadata }),
      ).toString('hex');
      const recorded: RecordedEvent = {
        id: event.id,
        streamId,
        type: event.type,
        revision: stream.length,
        position: toPosition(this.log.length + 1),
        data,
        metadata,
        recordedAt,
        hash,
      };
      stream.push(recorded);
      this.log.push(recorded);
      this.byId.set(recorded.id, recorded);
    }
    this.streams.set(streamId, stream);
    this.wake();
    const last = stream[stream.length - 1];
    return { nextExpectedRevision: last.revision, position: last.position };
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    checkReadStreamOptions(options);
    const stream = this.streams.get(streamId) ?? [];
    const maxCount = options.maxCount ?? Number.MAX_SAFE_INTEGER;
    if (options.direction === 'backwards') {
      const from = Math.min(options.fromRevision ?? stream.length - 1, stream.length - 1);
      return stream
        .slice(Math.max(0, from + 1 - maxCount), from + 1)
        .reverse()
        .map(copyOf);
    }
    const from = options.fromRevision ?? 0;
    return stream.slice(from, from + maxCount).map(copyOf);
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    checkReadAllOptions(options);
    const maxCount = options.maxCount ?? Number.MAX_SAFE_INTEGER;
    const page: RecordedEvent[] = [];
    const start = options.from === undefined ? 0 : toSequence(options.from);
    for (let index = start; index < this.log.length && page.length < maxCount; index++) {
      const event = this.log[index];
      if (matchesFilter(options.filter, event)) page.push(copyOf(event));
    }
    return page;
  }

  /** The log as it stood when the scan began; events appended meanwhile are not included. */
  // eslint-disable-next-line @typescript-eslint/require-await -- an async generator by contract
  async *scanAll(options: ScanOptions = {}): AsyncGenerator<RecordedEvent> {
    this.assertOpen();
    checkReadAllOptions({ ...(options.filter && { filter: options.filter }) });
    const end = this.log.length;
    for (const event of this.log.slice(0, end)) {
      if (matchesFilter(options.filter, event)) yield copyOf(event);
    }
  }

  subscribeToAll(options: SubscribeOptions = {}): Subscription {
    this.assertOpen();
    checkReadAllOptions(options);
    if (options.from !== undefined) toSequence(options.from);
    let cursor = options.from;
    let stopped = false;
    const stop = signal();
    const run = async function* (
      this: InMemoryEventStore,
    ): AsyncGenerator<RecordedEvent, void, undefined> {
      while (!stopped && !this.closed) {
        const wakeUp = this.wakeUp.promise;
        const page = await this.readAll({ from: cursor, filter: options.filter, maxCount: 500 });
        for (const event of page) {
          if (stopped) return;
          cursor = event.position;
          yield event;
        }
        if (page.length === 0) await Promise.race([wakeUp, stop.promise]);
      }
    }.bind(this);
    return {
      [Symbol.asyncIterator]: run,
      close: () => {
        stopped = true;
        stop.resolve();
        return Promise.resolve();
      },
    };
  }

  comparePositions(a: Position, b: Position): number {
    return toSequence(a) - toSequence(b);
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async headPosition(): Promise<Position | undefined> {
    this.assertOpen();
    return this.log[this.log.length - 1]?.position;
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async ping(): Promise<void> {
    this.assertOpen();
  }

  close(): Promise<void> {
    this.closed = true;
    this.wake();
    return Promise.resolve();
  }

  private wake(): void {
    this.wakeUp.resolve();
    this.wakeUp = signal();
  }

  private assertOpen(): void {
    if (this.closed)
      throw new EventStoreError('EVENT_STORE.UNAVAILABLE', 'the event store is closed');
  }
}
