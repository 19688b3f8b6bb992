import {
  type KurrentDBClient,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
} from '@kurrent/kurrentdb-client';
import { PassThrough } from 'node:stream';

export type FakeStoredEvent = {
  streamId: string;
  id: string;
  type: string;
  isJson: true;
  revision: bigint;
  created: Date;
  data: unknown;
  metadata: unknown;
  position: { commit: bigint; prepare: bigint };
};
type FakePosition = FakeStoredEvent['position'];
type StreamState = 'any' | 'no_stream' | 'stream_exists' | bigint;
type EventData = { id: string; type: string; data: unknown; metadata: unknown };
type FakeFilter = { filterOn: string; prefixes?: string[]; regex?: string };
type Live = { stream: PassThrough; after: FakePosition | 'start'; filter?: FakeFilter };
export type FakeRead = { streamName: string; direction: string; maxCount?: number };

const after = (a: FakePosition, b: FakePosition | 'start'): boolean =>
  b === 'start' || a.commit > b.commit || (a.commit === b.commit && a.prepare > b.prepare);

const wrongVersion = (streamName: string, expected: StreamState, current: bigint) =>
  new WrongExpectedVersionError(undefined, {
    streamName,
    expected,
    current: current === -1n ? 'no_stream' : current,
  });

/**
 * The slice of `KurrentDBClient` the adapter uses, with the server's observable rules as far as
 * the adapter depends on them: a batch shares one commit position (prepares differ) and the
 * append answers with the commit record's position; an append at an exact revision behind the
 * stream's end succeeds without writing when those very ids follow that revision (idempotency)
 * and fails with a wrong expected version otherwise; $all reads include their start position,
 * subscriptions exclude it, and the server filters $all on stream prefixes or a type regex.
 * Data and metadata are stored as JSON gives them back.
 */
export class FakeKurrentDb {
  readonly log: FakeStoredEvent[] = [];
  readonly live = new Set<Live>();
  readonly subscribed: (FakePosition | 'start')[] = [];
  /** Every readStream call, to count round trips. */
  readonly reads: FakeRead[] = [];
  refuseSubscriptions = false;
  /**
   * Runs before each append is decided: a test writes there what another writer would have
   * written between the adapter's read and its append.
   */
  beforeAppend?: (streamName: string) => Promise<void>;
  private next = 1_000n;

  /** This fake where the adapter wants a client. */
  asClient(): KurrentDBClient {
    return this as unknown as KurrentDBClient;
  }

  stream(streamName: string): FakeStoredEvent[] {
    return this.log.filter((e) => e.streamId === streamName);
  }

  async appendToStream(
    streamName: string,
    events: EventData[],
    { streamState }: { streamState: StreamState },
  ) {
    await this.beforeAppend?.(streamName);
    const stream = this.stream(streamName);
    const current = BigInt(stream.length) - 1n;
    if (streamState === 'any') {
      // The server's best-effort idempotency for "any": ids looked up one by one in the stream.
      const found = events.map((e) => stream.find((s) => s.id === e.id));
      if (found[0] !== undefined) {
        if (found.some((e) => e === undefined))
          throw new WrongExpectedVersionError(undefined, { streamName, expected: 'any', current });
        return this.repeated(found[found.length - 1] as FakeStoredEvent);
      }
    } else if (streamState !== 'stream_exists') {
      const expected = streamState === 'no_stream' ? -1n : streamState;
      if (expected < current) {
        // Exact idempotency: these ids right after the expected revision, or a conflict.
        const following = stream.slice(Number(expected) + 1, Number(expected) + 1 + events.length);
        if (following.length === events.length && following.every((s, i) => s.id === events[i].id))
          return this.repeated(following[following.length - 1]);
        throw wrongVersion(streamName, streamState, current);
      }
    }
    const ok =
      streamState === 'any' ||
      (streamState === 'no_stream' && current === -1n) ||
      (streamState === 'stream_exists' && current >= 0n) ||
      streamState === current;
    if (!ok) throw wrongVersion(streamName, streamState, current);
    return this.write(streamName, events, current);
  }

  async *readStream(
    streamName: string,
    options: { direction: string; fromRevision: 'start' | 'end' | bigint; maxCount?: number },
  ) {
    this.reads.push({ streamName, direction: options.direction, maxCount: options.maxCount });
    await Promise.resolve();
    const stream = this.stream(streamName);
    if (stream.length === 0) throw new StreamNotFoundError(undefined, streamName);
    const backwards = options.direction === 'backwards';
    const ordered = backwards ? [...stream].reverse() : stream;
    const from = options.fromRevision;
    const selected = ordered.filter((e) =>
      from === 'start' || from === 'end'
        ? true
        : backwards
          ? e.revision <= from
          : e.revision >= from,
    );
    for (const event of selected.slice(0, options.maxCount ?? Number.MAX_SAFE_INTEGER))
      yield { event };
  }

  async *readAll(options: {
    direction: string;
    fromPosition: 'start' | 'end' | FakePosition;
    maxCount?: number;
    filter?: FakeFilter;
  }) {
    await Promise.resolve();
    const backwards = options.direction === 'backwards';
    const from = options.fromPosition;
    // Forwards from a position includes the event at that position (backwards is only used
    // from the end here).
    const inRange = (e: FakeStoredEvent) =>
      from === 'start' || from === 'end' || backwards || !after(from, e.position);
    const ordered = (backwards ? [...this.log].reverse() : this.log).filter(
      (e) => inRange(e) && this.matches(e, options.filter),
    );
    for (const event of ordered.slice(0, options.maxCount ?? Number.MAX_SAFE_INTEGER))
      yield { event };
  }

  subscribeToAll(options: { fromPosition: 'start' | FakePosition; filter?: FakeFilter }) {
    this.subscribed.push(options.fromPosition);
    const stream = new PassThrough({ objectMode: true });
    if (this.refuseSubscriptions) {
      setImmediate(() => stream.destroy(new UnavailableError()));
      return Object.assign(stream, { unsubscribe: () => Promise.resolve() });
    }
    const live: Live = { stream, after: options.fromPosition, filter: options.filter };
    for (const event of this.log)
      if (after(event.position, live.after) && this.matches(event, live.filter))
        stream.write({ event });
    this.live.add(live);
    stream.on('close', () => this.live.delete(live));
    return Object.assign(stream, {
      unsubscribe: () => {
        this.live.delete(live);
        stream.end();
        return Promise.resolve();
      },
    });
  }

  /** Drops every live subscription the way a lost connection does. */
  dropConnections(): void {
    for (const live of this.live) live.stream.destroy(new UnavailableError());
    this.live.clear();
  }

  dispose = () => Promise.resolve();

  private write(streamName: string, events: EventData[], current: bigint) {
    const commit = this.next;
    events.forEach((event, index) => {
      const stored: FakeStoredEvent = {
        streamId: streamName,
        id: event.id,
        type: event.type,
        isJson: true,
        revision: current + 1n + BigInt(index),
        created: new Date(),
        data: JSON.parse(JSON.stringify(event.data)) as unknown,
        metadata: JSON.parse(JSON.stringify(event.metadata ?? {})) as unknown,
        position: { commit, prepare: commit + BigInt(index) * 10n },
      };
      this.log.push(stored);
      for (const live of this.live)
        if (after(stored.position, live.after) && this.matches(stored, live.filter))
          live.stream.write({ event: stored });
    });
    this.next += BigInt(events.length) * 10n + 100n;
    const last = commit + BigInt(events.length - 1) * 10n;
    return {
      success: true,
      nextExpectedRevision: current + BigInt(events.length),
      position: { commit: last, prepare: last },
    };
  }

  private repeated(last: FakeStoredEvent) {
    return {
      success: true,
      nextExpectedRevision: last.revision,
      position: { commit: last.position.commit, prepare: last.position.commit },
    };
  }

  private matches(event: FakeStoredEvent, filter: FakeFilter | undefined): boolean {
    if (filter === undefined) return true;
    const field = filter.filterOn === 'streamName' ? event.streamId : event.type;
    if (filter.prefixes) return filter.prefixes.some((prefix) => field.startsWith(prefix));
    return new RegExp(filter.regex ?? '').test(field);
  }
}
