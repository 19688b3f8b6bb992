import { randomUUID } from 'node:crypto';
import { WrongExpectedRevision } from '../event-store.errors';
import type { NewEvent, RecordedEvent } from '../event-store.port';
import { FakeKurrentDb } from './kurrentdb-client.fixtures';
import { KurrentDbEventStore } from './kurrentdb-event-store';

const event = (type: string): NewEvent => ({ id: randomUUID(), type, data: { type } });
const waitFor = async (check: () => boolean): Promise<void> => {
  for (let tries = 0; !check(); tries++) {
    if (tries > 500) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

describe(KurrentDbEventStore.name, () => {
  let server: FakeKurrentDb;
  let sut: KurrentDbEventStore;

  beforeEach(() => {
    server = new FakeKurrentDb();
    sut = KurrentDbEventStore.fromClient(server.asClient(), {
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
