import {
  type KurrentDBClient,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
} from '@kurrent/kurrentdb-client';
import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { WrongExpectedRevision } from '../event-store.errors';
import type { NewEvent, RecordedEvent } from '../event-store.port';
import { KurrentDbEventStore } from './kurrentdb-event-store';

type Stored = {
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
type FakeFilter = { filterOn: string; prefixes?: string[]; regex?: string };
type Live = { stream: PassThrough; after: Stored['position'] | 'start'; filter?: FakeFilter };

const after = (a: Stored['position'], b: Stored['position'] | 'start'): boolean =>
  b === 'start' || a.commit > b.commit || (a.commit === b.commit && a.prepare > b.prepare);

/**
 * The slice of the client the adapter uses, with the server's observable rules as far as the
 * adapter depends on them: a batch shares one commit position (prepares differ) and the append
 * answers with the commit record's position, $all reads include their start position,
 * subscriptions exclude it, and the server filters $all on stream prefixes or a type regex.
 */
class FakeKurrent {
  readonly log: Stored[] = [];
  readonly live = new Set<Live>();
  readonly subscribed: (Stored['position'] | 'start')[] = [];
  refuseSubscriptions = false;
  private next = 1_000n;

  appendToStream(
    streamName: string,
    events: { id: string; type: string; data: unknown; metadata: unknown }[],
    { streamState }: { streamState: 'any' | 'no_stream' | 'stream_exists' | bigint },
  ) {
    const current = BigInt(this.log.filter((e) => e.streamId === streamName).length) - 1n;
    if (streamState === 'any') {
      // The server's idempotency check for "any": ids looked up one by one in the stream.
      const found = events.map((e) =>
        this.log.find((s) => s.id === e.id && s.streamId === streamName),
      );
      if (found[0] !== undefined) {
        if (found.some((e) => e === undefined))
          return Promise.reject(
            new WrongExpectedVersionError(undefined, { streamName, expected: 'any', current }),
          );
        const last = found[found.length - 1] as Stored;
        return Promise.resolve({
          success: true,
          nextExpectedRevision: last.revision,
          position: { commit: last.position.commit, prepare: last.position.commit },
        });
      }
    }
    const ok =
      streamState === 'any' ||
      (streamState === 'no_stream' && current === -1n) ||
      (streamState === 'stream_exists' && current >= 0n) ||
      streamState === current;
    if (!ok)
      return Promise.reject(
        new WrongExpectedVersionError(undefined, {
          streamName,
          expected: streamState,
          current: current === -1n ? 'no_stream' : current,
        }),
      );
    const commit = this.next;
    events.forEach((event, index) => {
      const stored: Stored = {
        streamId: streamName,
        id: event.id,
        type: event.type,
        isJson: true,
        revision: current + 1n + BigInt(index),
        created: new Date(),
        data: event.data,
        metadata: event.metadata,
        position: { commit, prepare: commit + BigInt(index) * 10n },
      };
      this.log.push(stored);
      for (const live of this.live)
        if (after(stored.position, live.after) && this.matches(stored, live.filter))
          live.stream.write({ event: stored });
    });
    this.next += BigInt(events.length) * 10n + 100n;
    const last = commit + BigInt(events.length - 1) * 10n;
    return Promise.resolve({
      success: true,
      nextExpectedRevision: current + BigInt(events.length),
      position: { commit: last, prepare: last },
    });
  }

  async *readStream(
    streamName: string,
    options: { direction: string; fromRevision: 'start' | 'end' | bigint; maxCount?: number },
  ) {
    await Promise.resolve();
    const stream = this.log.filter((e) => e.streamId === streamName);
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
    fromPosition: 'start' | 'end' | Stored['position'];
    maxCount?: number;
    filter?: FakeFilter;
  }) {
    await Promise.resolve();
    const backwards = options.direction === 'backwards';
    const from = options.fromPosition;
    // Forwards from a position includes the event at that position (backwards is only used
    // from the end here).
    const inRange = (e: Stored) =>
      from === 'start' || from === 'end' || backwards || !after(from, e.position);
    const ordered = (backwards ? [...this.log].reverse() : this.log).filter(
      (e) => inRange(e) && this.matches(e, options.filter),
    );
    for (const event of ordered.slice(0, options.maxCount ?? Number.MAX_SAFE_INTEGER))
      yield { event };
  }

  subscribeToAll(options: { fromPosition: 'start' | Stored['position']; filter?: FakeFilter }) {
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

  private matches(event: Stored, filter: FakeFilter | undefined): boolean {
    if (filter === undefined) return true;
    const field = filter.filterOn === 'streamName' ? event.streamId : event.type;
    if (filter.prefixes) return filter.prefixes.some((prefix) => field.startsWith(prefix));
    return new RegExp(filter.regex ?? '').test(field);
  }
}

const event = (type: string): NewEvent => ({ id: randomUUID(), type, data: { type } });
const waitFor = async (check: () => boolean): Promise<void> => {
  for (let tries = 0; !check(); tries++) {
    if (tries > 500) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

describe(KurrentDbEventStore.name, () => {
  let server: FakeKurrent;
  let sut: KurrentDbEventStore;

  beforeEach(() => {
    server = new FakeKurrent();
    sut = KurrentDbEventStore.fromClient(server as unknown as KurrentDBClient, {
      pageSize: 3,
      subscriptionRetry: { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 1 },
    });
  });

  afterEach(() => sut.close());

  it("returns the last event's own position for a batch, not the commit record's", async () => {
    const result = await sut.append('Customer-1', [event('A'), event('B'), event('C')]);
    const stored = await sut.readStream('Customer-1');
    expect(result).toEqual({ nextExpectedRevision: 2, position: stored[2]?.position });
    expect(stored.map((e) => e.revision)).toEqual([0, 1, 2]);
  });

  it('returns the original result on a retry and rejects ids reused in another order', async () => {
    const [a, b] = [event('A'), event('B')];
    const original = await sut.append('Customer-1', [a, b]);
    await sut.append('Customer-1', [event('C')]);

    expect(await sut.append('Customer-1', [a, b])).toEqual(original);
    await expect(sut.append('Customer-1', [b, a])).rejects.toMatchObject({
      code: 'EVENT_STORE.DUPLICATE_EVENT_ID',
    });
    await expect(sut.append('Customer-1', [b, event('D')])).rejects.toMatchObject({
      code: 'EVENT_STORE.DUPLICATE_EVENT_ID',
    });
    expect((await sut.readStream('Customer-1')).map((e) => e.type)).toEqual(['A', 'B', 'C']);
  });

  it('maps a conflict to WrongExpectedRevision and a missing stream to []', async () => {
    await sut.append('Customer-1', [event('A')]);
    await expect(
      sut.append('Customer-1', [event('B')], { expectedRevision: 'no_stream' }),
    ).rejects.toEqual(expect.objectContaining({ actual: 0 }));
    await expect(
      sut.append('Customer-2', [event('B')], { expectedRevision: 'exists' }),
    ).rejects.toBeInstanceOf(WrongExpectedRevision);
    expect(await sut.readStream('Missing-1')).toEqual([]);
  });

  it('pages $all past the inclusive start, with the exact filter applied here', async () => {
    for (const [stream, type] of [
      ['run-Customer-1', 'A'],
      ['other-Customer-1', 'A'],
      ['run-Order-1', 'B'],
      ['run-Customer-2', 'A'],
      ['run-Customer-1', 'B'],
      ['run-Customer-3', 'A'],
    ] as const)
      await sut.append(stream, [event(type)]);
    const filter = { streamPrefixes: ['run-'], eventTypes: ['A'] };

    const all = await sut.readAll({ filter });
    expect(all.map((e) => e.streamId)).toEqual([
      'run-Customer-1',
      'run-Customer-2',
      'run-Customer-3',
    ]);

    const pages: RecordedEvent[][] = [];
    for (let from = undefined as RecordedEvent['position'] | undefined; ;) {
      const page = await sut.readAll({ from, filter, maxCount: 2 });
      if (page.length === 0) break;
      pages.push(page);
      from = page[page.length - 1]?.position;
    }
    expect(pages.map((page) => page.length)).toEqual([2, 1]);
    expect(pages.flat()).toEqual(all);
    expect(await sut.readAll({ filter: { eventTypes: [] } })).toEqual([]);
    expect(await sut.headPosition()).toBe((await sut.readAll()).at(-1)?.position);
  });

  it('resubscribes from the last delivered event after a dropped connection', async () => {
    await sut.append('run-Customer-1', [event('E0'), event('E1')]);
    const subscription = sut.subscribeToAll({ filter: { streamPrefixes: ['run-'] } });
    const received: string[] = [];
    const done = (async () => {
      for await (const recorded of subscription) received.push(recorded.type);
    })();
    await waitFor(() => received.length === 2);

    server.dropConnections();
    await sut.append('run-Customer-2', [event('E2')]);
    await waitFor(() => received.length === 3);
    await sut.append('run-Customer-1', [event('E3')]);
    await waitFor(() => received.length === 4);
    await subscription.close();
    await done;

    expect(received).toEqual(['E0', 'E1', 'E2', 'E3']);
    expect(server.subscribed).toHaveLength(2);
    expect(server.subscribed[1]).toEqual(server.log[1]?.position);
  });

  it('gives up with UNAVAILABLE after its attempts in a row fail, without delivering twice', async () => {
    await sut.append('run-Customer-1', [event('E0')]);
    server.refuseSubscriptions = true;
    const subscription = sut.subscribeToAll();
    const received: string[] = [];
    const outcome = await (async () => {
      for await (const recorded of subscription) received.push(recorded.type);
    })().catch((error: unknown) => error);

    expect(outcome).toMatchObject({ code: 'EVENT_STORE.UNAVAILABLE' });
    expect(server.subscribed).toHaveLength(3);
    expect(received).toEqual([]);
  });
});
