import type { EventStore } from '@custodia/event-store';
import { createTestDatabase, type TestDatabase } from '@custodia/testing';
import type { DataSource } from 'typeorm';
import { ProjectionRunner } from './projection-runner';
import {
  appendEvents,
  captureLogger,
  checkpointRow,
  createTestEventStore,
  eventually,
  fastRunnerSettings,
  ledgerProjection,
  ledgerStats,
  openDataSource,
  type LedgerControl,
} from './projection-test.fixtures';
import { StreamSummaryEntity } from './read-models/stream-summary/stream-summary.entity';
import { streamSummaryProjection } from './read-models/stream-summary/stream-summary.projection';

describe(`${ProjectionRunner.name} rebuilds`, () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let store: EventStore;
  const runners: ProjectionRunner[] = [];

  const summaries = () =>
    dataSource.getRepository(StreamSummaryEntity).find({ order: { streamId: 'ASC' } });
  const track = (sut: ProjectionRunner) => (runners.push(sut), sut);

  beforeEach(async () => {
    database = await createTestDatabase('read-store-rebuild');
    dataSource = await openDataSource(database.url);
    store = await createTestEventStore(database.url);
  });

  afterEach(async () => {
    await Promise.all(runners.splice(0).map((sut) => sut.stop()));
    await store.close();
    await dataSource.destroy();
    await database.drop();
  });

  it('gives from zero exactly what it built incrementally', async () => {
    const live = track(
      new ProjectionRunner({
        dataSource,
        eventStore: store,
        projections: [streamSummaryProjection],
        logger: captureLogger(),
        batchSize: 7,
        ...fastRunnerSettings,
      }),
    );
    live.start();
    // Appends interleave with the running projection, batch boundaries fall anywhere.
    for (const round of [13, 29, 8]) {
      await appendEvents(store, round, { streams: 4, types: ['Opened', 'Noted', 'Closed'] });
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await eventually(
      'caught up',
      async () => (await checkpointRow(dataSource, 'stream-summary'))?.events_applied === 50,
    );
    await live.stop();
    const incremental = await summaries();
    expect(incremental).toHaveLength(12);
    expect(incremental.reduce((sum, row) => sum + row.eventCount, 0)).toBe(50);
    const [someStream] = incremental;
    const events = await store.readStream(someStream.streamId);
    expect(someStream).toEqual({
      streamId: someStream.streamId,
      eventCount: events.length,
      lastRevision: events.length - 1,
      lastEventType: events.at(-1)?.type,
      lastRecordedAt: events.at(-1)?.recordedAt,
    });

    const cli = track(
      new ProjectionRunner({
        dataSource,
        eventStore: store,
        projections: [streamSummaryProjection],
        logger: captureLogger(),
        batchSize: 20,
      }),
    );
    const progress: [number, number][] = [];
    const rebuilt = await cli.rebuild('stream-summary', (done, total) =>
      progress.push([done, total]),
    );

    expect(rebuilt).toBe(50);
    expect(progress).toEqual([
      [0, 50],
      [20, 50],
      [40, 50],
      [50, 50],
    ]);
    expect(await summaries()).toEqual(incremental);
    expect(await checkpointRow(dataSource, 'stream-summary')).toMatchObject({ events_applied: 50 });
    const locks: { count: number }[] = await dataSource.query(
      // This suite's database only: other suites run projections on the same server.
      `SELECT count(*)::int AS count FROM pg_locks WHERE locktype = 'advisory'
         AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    );
    expect(locks[0].count).toBe(0); // the CLI released its lock when done
  });

  it('rebuilds from zero when the projection version goes up', async () => {
    await appendEvents(store, 25);
    const v1Control: LedgerControl = { resets: 0 };
    const v1 = track(
      new ProjectionRunner({
        dataSource,
        eventStore: store,
        projections: [ledgerProjection({ version: 1 }, v1Control)],
        logger: captureLogger(),
        ...fastRunnerSettings,
      }),
    );
    v1.start();
    await eventually('v1 caught up', async () => (await ledgerStats(dataSource)).rows >= 25);
    await v1.stop();
    expect(v1Control.resets).toBe(1); // first run: no checkpoint yet

    const v2Control: LedgerControl = { resets: 0 };
    const logger = captureLogger();
    const v2 = track(
      new ProjectionRunner({
        dataSource,
        eventStore: store,
        projections: [ledgerProjection({ version: 2 }, v2Control)],
        logger,
        ...fastRunnerSettings,
      }),
    );
    v2.start();
    await eventually('v2 live', async () => (await v2.status())[0].state === 'live');
    expect(v2Control.resets).toBe(1);
    const versions: { version: number; count: number }[] = await dataSource.query(
      `SELECT version, count(*)::int AS count FROM test_ledger GROUP BY version`,
    );
    expect(versions).toEqual([{ version: 2, count: 25 }]);
    expect(await checkpointRow(dataSource)).toMatchObject({ version: 2, events_applied: 25 });
    expect(logger.entries.map((e) => e.message)).toContain(
      'projection version changed; rebuilding from zero',
    );
    await v2.stop();

    // An older instance (rolling deploy) must not rebuild the newer read model back.
    const oldControl: LedgerControl = { resets: 0 };
    const old = track(
      new ProjectionRunner({
        dataSource,
        eventStore: store,
        projections: [ledgerProjection({ version: 1 }, oldControl)],
        logger: captureLogger(),
        ...fastRunnerSettings,
      }),
    );
    old.start();
    await eventually('old refuses', async () => {
      const [status] = await old.status();
      return status.failure?.error === 'ReadStoreError READ_STORE.NEWER_VERSION_RUNNING';
    });
    expect(oldControl.resets).toBe(0);
    expect(await checkpointRow(dataSource)).toMatchObject({ version: 2, events_applied: 25 });
  });

  it('wakes on new events through the subscription, without waiting for the poll', async () => {
    const sut = track(
      new ProjectionRunner({
        dataSource,
        eventStore: store,
        projections: [ledgerProjection({ handles: ['Wanted'] })],
        logger: captureLogger(),
        pollIntervalMs: 60_000,
        lockRetryMs: 50,
      }),
    );
    sut.start();
    await eventually('live', async () => (await sut.status())[0].state === 'live');
    await appendEvents(store, 6, { types: ['Wanted', 'Unwanted'] });
    await eventually('woken', async () => (await ledgerStats(dataSource)).rows >= 3, 5_000);
    const types: { event_type: string }[] = await dataSource.query(
      `SELECT DISTINCT event_type FROM test_ledger`,
    );
    expect(types).toEqual([{ event_type: 'Wanted' }]);
  });
});
