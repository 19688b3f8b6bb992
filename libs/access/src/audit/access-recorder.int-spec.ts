import {
  type AppendOptions,
  type AppendResult,
  type EventStore,
  type NewEvent,
  PostgresEventStore,
  eventStoreMigrations,
} from '@custodia/event-store';
import { type TestDatabase, createTestDatabase } from '@custodia/testing';
import { DataSource } from 'typeorm';
import { accessLogStreamId } from '../access.events';
import { accessed, revealed } from '../alerts/access-event.fixtures';
import { AccessLogUnavailable } from './access-log.errors';
import { AccessRecorder } from './access-recorder';

/** Counts appends and can be switched to fail, standing in for a store that has gone away. */
class CountingStore {
  appends = 0;
  failing = false;

  constructor(readonly inner: EventStore) {}

  asStore(): EventStore {
    return new Proxy(this.inner, {
      get: (target, property, receiver) =>
        property === 'append'
          ? (streamId: string, events: readonly NewEvent[], options?: AppendOptions) =>
              this.append(streamId, events, options)
          : (Reflect.get(target, property, receiver) as unknown),
    });
  }

  private async append(
    streamId: string,
    events: readonly NewEvent[],
    options?: AppendOptions,
  ): Promise<AppendResult> {
    this.appends += 1;
    if (this.failing) throw new Error('connection refused');
    return this.inner.append(streamId, events, options);
  }
}

describe(AccessRecorder.name, () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  let counting: CountingStore;

  beforeAll(async () => {
    database = await createTestDatabase('access_recorder');
    const dataSource = new DataSource({
      type: 'postgres',
      url: database.url,
      migrations: [...eventStoreMigrations],
    });
    await dataSource.initialize();
    await dataSource.runMigrations();
    await dataSource.destroy();
  });

  beforeEach(() => {
    store = new PostgresEventStore({ url: database.url, pollIntervalMs: 100 });
    counting = new CountingStore(store);
  });

  afterEach(() => store.close());
  afterAll(() => database?.drop());

  it('writes 50 concurrent accesses in far fewer appends, all of them, in order', async () => {
    const sut = new AccessRecorder({ store: counting.asStore(), instanceId: 'api-concurrent' });
    const events = Array.from({ length: 50 }, (_, index) =>
      accessed(`2026-11-30T10:00:${String(index).padStart(2, '0')}.000Z`, index + 1),
    );

    const recorded = await Promise.all(events.map((event) => sut.record(event)));

    expect(counting.appends).toBeLessThanOrEqual(5);
    const stream = await store.readStream(accessLogStreamId('api-concurrent'));
    expect(stream.map((event) => event.id)).toEqual(recorded.map((result) => result.eventId));
    expect(stream.map((event) => (event.data.customerIds as string[]).length)).toEqual(
      events.map((_, index) => index + 1),
    );
    expect(stream[0].type).toBe('CustomerDataAccessed');
    expect(stream[0].metadata).toEqual({ actorId: 'user-1', correlationId: 'req-1' });
  });

  it('rejects every waiting record with AccessLogUnavailable when the append fails, then recovers', async () => {
    const sut = new AccessRecorder({ store: counting.asStore(), instanceId: 'api-failing' });
    counting.failing = true;

    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, () => sut.record(revealed('2026-11-30T10:00:00.000Z'))),
    );

    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected');
      const reason = (outcome as PromiseRejectedResult).reason as AccessLogUnavailable;
      expect(reason).toBeInstanceOf(AccessLogUnavailable);
      expect(reason.code).toBe('ACCESS.LOG_UNAVAILABLE');
      expect(reason.message).not.toContain('callback requested');
      expect((reason.cause as Error).message).toBe('connection refused');
    }
    expect(await store.readStream(accessLogStreamId('api-failing'))).toEqual([]);

    counting.failing = false;
    const { eventId } = await sut.record(revealed('2026-11-30T10:01:00.000Z'));
    const stream = await store.readStream(accessLogStreamId('api-failing'));
    expect(stream.map((event) => event.id)).toEqual([eventId]);
  });

  it('fails closed once the real store is closed', async () => {
    const sut = new AccessRecorder({ store, instanceId: 'api-closed' });
    await sut.record(accessed('2026-11-30T10:00:00.000Z', 1));
    await store.close();

    const error = await sut
      .record(accessed('2026-11-30T10:00:01.000Z', 1))
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AccessLogUnavailable);
    expect((error as AccessLogUnavailable).cause).toMatchObject({
      code: 'EVENT_STORE.UNAVAILABLE',
    });

    // Recovery: a new connection to the same log records again, after the first event.
    const reopened = new PostgresEventStore({ url: database.url, pollIntervalMs: 100 });
    try {
      const again = new AccessRecorder({ store: reopened, instanceId: 'api-closed' });
      const { eventId } = await again.record(accessed('2026-11-30T10:00:02.000Z', 1));
      const stream = await reopened.readStream(accessLogStreamId('api-closed'));
      expect(stream).toHaveLength(2);
      expect(stream[1].id).toBe(eventId);
    } finally {
      await reopened.close();
    }
  });
});
