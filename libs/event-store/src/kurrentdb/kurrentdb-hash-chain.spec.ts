import { randomUUID } from 'node:crypto';
import { GENESIS_HASH, chainHash, eventDigest } from '../event-hash';
import { EventStoreError, WrongExpectedRevision } from '../event-store.errors';
import type { ExpectedRevision, NewEvent, RecordedEvent } from '../event-store.port';
import { FakeKurrentDb } from './kurrentdb-client.fixtures';
import { KurrentDbEventStore } from './kurrentdb-event-store';

const KEY = '$custodia.hash';

const event = (type: string, data: Record<string, unknown> = {}): NewEvent => ({
  id: randomUUID(),
  type,
  data: { type, ...data },
});

/** What a verifier computes from the events as read back, from the genesis hash on. */
const recomputed = (events: readonly RecordedEvent[]): string[] => {
  let previous = GENESIS_HASH;
  return events.map((recorded) => {
    previous = chainHash(previous, recorded.revision, eventDigest(recorded));
    return previous.toString('hex');
  });
};

const expectChained = (events: readonly RecordedEvent[]): void => {
  expect(events.map((recorded) => recorded.revision)).toEqual(events.map((_, index) => index));
  expect(events.map((recorded) => recorded.hash)).toEqual(recomputed(events));
};

const failure = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe(`${KurrentDbEventStore.name} hash chain`, () => {
  let server: FakeKurrentDb;
  let sut: KurrentDbEventStore;
  let rival: KurrentDbEventStore;

  beforeEach(() => {
    server = new FakeKurrentDb();
    sut = KurrentDbEventStore.fromClient(server.asClient());
    rival = KurrentDbEventStore.fromClient(server.asClient());
  });

  afterEach(async () => {
    await sut.close();
    await rival.close();
  });

  /** Before each append of `sut` (not the rival's own), the rival appends one event first. */
  const rivalWritesFirst = (times: number): void => {
    let left = times;
    let busy = false;
    server.beforeAppend = async (streamName) => {
      if (busy || left === 0) return;
      busy = true;
      left -= 1;
      await rival.append(streamName, [event('Rival')]);
      busy = false;
    };
  };

  it('stores each hash under the reserved metadata key and gives the caller back its own metadata', async () => {
    const metadata = { actorId: 'u-1', now: '2026-11-30T00:00:00.000Z', tenant: '华东' };
    await sut.append('Customer-1', [{ ...event('A', { b: 2, a: [1.5, null] }), metadata }], {
      expectedRevision: 'no_stream',
    });
    await sut.append('Customer-1', [event('B'), event('C')], { expectedRevision: 0 });
    await sut.append('Customer-1', [event('D')], { expectedRevision: 'exists' });
    await sut.append('Customer-2', [event('Elsewhere')]);
    await sut.append('Customer-1', [event('E')]);

    const stored = await sut.readStream('Customer-1');
    expectChained(stored);
    expect(stored[0]?.metadata).toEqual(metadata);
    expect(stored[1]?.metadata).toEqual({});
    expect(
      server.stream('Customer-1').map((raw) => (raw.metadata as Record<string, unknown>)[KEY]),
    ).toEqual(stored.map((recorded) => recorded.hash));
    expectChained(await sut.readStream('Customer-2'));
    const all = await sut.readAll({ filter: { streamPrefixes: ['Customer-1'] } });
    expect(all).toEqual(stored);
  });

  it('costs one backwards read before the append and one read of the last event after it', async () => {
    await sut.append('Customer-1', [event('A')]);
    server.reads.length = 0;

    await sut.append('Customer-1', [event('B'), event('C')]);

    expect(server.reads).toEqual([
      { streamName: 'Customer-1', direction: 'backwards', maxCount: 100 },
      { streamName: 'Customer-1', direction: 'forwards', maxCount: 1 },
    ]);
  });

  it('refuses caller metadata that uses the reserved key, writing nothing', async () => {
    const forged = { ...event('A'), metadata: { [KEY]: '00'.repeat(32) } };
    const error = await failure(sut.append('Customer-1', [event('B'), forged]));
    expect(error).toBeInstanceOf(EventStoreError);
    expect(error).toMatchObject({ code: 'EVENT_STORE.INVALID_ARGUMENT' });
    expect(server.log).toEqual([]);
  });

  it.each<[string, ExpectedRevision]>([
    ['any', 'any'],
    ['exists', 'exists'],
  ])(
    'reads again and chains onto the winner when a race is lost under %s',
    async (_name, expectedRevision) => {
      await sut.append('Customer-1', [event('Created')]);
      rivalWritesFirst(2);
      server.reads.length = 0;

      const result = await sut.append('Customer-1', [event('Mine'), event('Mine')], {
        expectedRevision,
      });

      const stored = await sut.readStream('Customer-1');
      expect(stored.map((recorded) => recorded.type)).toEqual([
        'Created',
        'Rival',
        'Rival',
        'Mine',
        'Mine',
      ]);
      expectChained(stored);
      expect(result).toEqual({ nextExpectedRevision: 4, position: stored[4]?.position });
      // Three rounds of the adapter, each starting with one backwards read.
      const tailReads = server.reads.filter((read) => read.direction === 'backwards');
      expect(tailReads).toHaveLength(3 + 2);
    },
  );

  it.each<[string, ExpectedRevision]>([
    ['a revision', 0],
    ['no_stream', 'no_stream'],
  ])(
    'fails WrongExpectedRevision, writing nothing, when %s loses the race',
    async (_name, expectedRevision) => {
      if (expectedRevision === 0) await sut.append('Customer-1', [event('Created')]);
      const before = server.stream('Customer-1').length;
      rivalWritesFirst(1);

      const error = await failure(sut.append('Customer-1', [event('Mine')], { expectedRevision }));

      expect(error).toBeInstanceOf(WrongExpectedRevision);
      expect(error).toMatchObject({ expected: expectedRevision, actual: before });
      expect(server.stream('Customer-1').map((raw) => raw.type)).not.toContain('Mine');
    },
  );

  it('gives up with UNAVAILABLE after 100 rounds lost to other writers', async () => {
    rivalWritesFirst(Number.POSITIVE_INFINITY);
    const error = await failure(sut.append('Customer-1', [event('Mine')]));
    expect(error).toMatchObject({ code: 'EVENT_STORE.UNAVAILABLE' });
    expect((error as Error).message).toContain('too much contention');
    const types = server.stream('Customer-1').map((raw) => raw.type);
    expect(types).toHaveLength(100);
    expect(types).not.toContain('Mine');
  });

  it("keeps one chain when two stores' appends with expectation any race", async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, writer) =>
        (writer % 2 === 0 ? sut : rival).append('Customer-1', [
          event('A', { writer }),
          event('B', { writer }),
        ]),
      ),
    );

    const stored = await sut.readStream('Customer-1');
    expect(stored).toHaveLength(40);
    expectChained(stored);
    for (let index = 0; index < 40; index += 2)
      expect(stored[index]?.data.writer).toBe(stored[index + 1]?.data.writer); // batches stay whole
    expect(results.map((result) => result.nextExpectedRevision).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, i) => 2 * i + 1),
    );
  });

  it('returns the original result and hashes to a retried append, even with events after it', async () => {
    const batch = [event('A'), event('B'), event('C')];
    const original = await sut.append('Customer-1', batch, { expectedRevision: 'no_stream' });
    await rival.append('Customer-1', [event('Later')]);
    const before = await sut.readStream('Customer-1');

    const retries = await Promise.all([
      sut.append('Customer-1', batch),
      sut.append('Customer-1', batch, { expectedRevision: 'no_stream' }),
      rival.append('Customer-1', batch, { expectedRevision: 'exists' }),
    ]);

    expect(retries).toEqual([original, original, original]);
    expect(await sut.readStream('Customer-1')).toEqual(before);
    expectChained(before);
  });

  it('writes once, with one set of hashes, when the same batch races itself', async () => {
    await sut.append('Customer-1', [event('Created')]);
    const batch = [event('A'), event('B')];

    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => (i % 2 === 0 ? sut : rival).append('Customer-1', batch)),
    );

    expect(new Set(results.map((result) => JSON.stringify(result))).size).toBe(1);
    const stored = await sut.readStream('Customer-1');
    expect(stored.map((recorded) => recorded.id)).toEqual([
      stored[0]?.id,
      ...batch.map((e) => e.id),
    ]);
    expectChained(stored);
  });

  it('recognises a retry while its last event is in the window, reading its first if older', async () => {
    const narrow = KurrentDbEventStore.fromClient(server.asClient(), { retryWindow: 2 });
    const batch = [event('A'), event('B'), event('C'), event('D')];
    const original = await narrow.append('Customer-1', batch, { expectedRevision: 'no_stream' });
    await narrow.append('Customer-1', [event('Later')]);

    expect(await narrow.append('Customer-1', batch)).toEqual(original);
    // Part of the batch again is a retry of that part (as in the other stores); out of order is not.
    expect(await narrow.append('Customer-1', [batch[2], batch[3]])).toEqual(original);
    await expect(narrow.append('Customer-1', [batch[3], batch[2]])).rejects.toMatchObject({
      code: 'EVENT_STORE.DUPLICATE_EVENT_ID',
    });
    await narrow.append('Customer-1', [event('Later')]);
    // Out of the window: an exact expectation cannot be met, so nothing is written twice.
    await expect(
      narrow.append('Customer-1', batch, { expectedRevision: 'no_stream' }),
    ).rejects.toBeInstanceOf(WrongExpectedRevision);
    expect(server.stream('Customer-1')).toHaveLength(6);
    await narrow.close();
  });

  it('continues the chain of a stream written before it, and reads those events without hash', async () => {
    const legacy = ['Old', 'Older'].map((type) => ({
      id: randomUUID(),
      type,
      data: { type },
      metadata: { actorId: 'u-1' },
    }));
    await server.appendToStream('Customer-1', legacy, { streamState: 'any' });

    await sut.append('Customer-1', [event('New')]);
    await sut.append('Customer-1', [event('Newer')]);

    const stored = await sut.readStream('Customer-1');
    expect(stored.map((recorded) => recorded.hash === undefined)).toEqual([
      true,
      true,
      false,
      false,
    ]);
    expect(stored.map((recorded) => recorded.hash).slice(2)).toEqual(recomputed(stored).slice(2));
    expect(stored[0]?.metadata).toEqual({ actorId: 'u-1' });
  });
});
