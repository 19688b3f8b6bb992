import type { EventStore } from '@custodia/event-store';
import { createTestDatabase, type TestDatabase } from '@custodia/testing';
import type { DataSource } from 'typeorm';
import { ProjectionRunner, type ProjectionRunnerOptions } from './projection-runner';
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
} from './projection-test.fixtures';

describe(`${ProjectionRunner.name} with two instances`, () => {
  let database: TestDatabase;
  let admin: DataSource;
  let dataSourceA: DataSource;
  let dataSourceB: DataSource;
  let store: EventStore;
  const runners: ProjectionRunner[] = [];

  // Each instance gets its own pool, as separate processes would.
  const runner = (instance: 'a' | 'b', extra: Partial<ProjectionRunnerOptions> = {}) => {
    const sut = new ProjectionRunner({
      dataSource: instance === 'a' ? dataSourceA : dataSourceB,
      eventStore: store,
      projections: [ledgerProjection({ instance })],
      logger: captureLogger(),
      batchSize: 10,
      ...fastRunnerSettings,
      ...extra,
    });
    runners.push(sut);
    return sut;
  };
  const statusOf = async (sut: ProjectionRunner) => (await sut.status())[0];

  beforeEach(async () => {
    database = await createTestDatabase('read-store-lock');
    admin = await openDataSource(database.url, 'admin');
    dataSourceA = await openDataSource(database.url, 'runner-a');
    dataSourceB = await openDataSource(database.url, 'runner-b');
    store = await createTestEventStore(database.url);
  });

  afterEach(async () => {
    await Promise.all(runners.splice(0).map((sut) => sut.stop()));
    await store.close();
    await Promise.all([admin, dataSourceA, dataSourceB].map((ds) => ds.destroy()));
    await database.drop();
  });

  it('keeps the second instance waiting, then hands over when the first stops', async () => {
    await appendEvents(store, 20);
    const first = runner('a');
    first.start();
    await eventually('a applied 20', async () => (await ledgerStats(admin)).rows >= 20);
    const second = runner('b');
    second.start();
    await eventually(
      'b waiting',
      async () => (await statusOf(second)).state === 'waiting_for_lock',
    );

    await appendEvents(store, 15);
    await eventually('a applied 35', async () => (await ledgerStats(admin)).rows >= 35);
    // Several lock retries later, b still has not applied anything.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await statusOf(second)).toMatchObject({
      state: 'waiting_for_lock',
      holdingLock: false,
      checkpoint: { eventsApplied: 35 },
      lagSeconds: undefined,
    });
    expect(await ledgerStats(admin)).toEqual({ rows: 35, distinct: 35, instances: ['a'] });

    await first.stop();
    expect(await statusOf(first)).toMatchObject({ state: 'stopped', holdingLock: false });
    await eventually('b took over', async () => (await statusOf(second)).holdingLock);
    await appendEvents(store, 15);
    await eventually(
      'b applied the rest',
      async () => (await ledgerStats(admin)).rows >= 50,
      15_000,
      async () => ({ stats: await ledgerStats(admin), b: await statusOf(second) }),
    );
    await eventually('b live', async () => (await statusOf(second)).state === 'live');

    const rows: { instance: string; count: number }[] = await admin.query(
      `SELECT instance, count(*)::int AS count FROM test_ledger GROUP BY instance ORDER BY instance`,
    );
    expect(rows).toEqual([
      { instance: 'a', count: 35 },
      { instance: 'b', count: 15 },
    ]);
    expect(await checkpointRow(admin)).toMatchObject({ events_applied: 50 });
  });

  it('hands over when the first instance dies without releasing its lock', async () => {
    // Slow timers keep the first instance idle after the kill, as a dead process would be;
    // otherwise it could win the freed lock back before the second one retries.
    const first = runner('a', { pollIntervalMs: 60_000, lockRetryMs: 60_000 });
    first.start();
    await eventually('a live', async () => (await statusOf(first)).state === 'live');
    const second = runner('b');
    second.start();
    await eventually(
      'b waiting',
      async () => (await statusOf(second)).state === 'waiting_for_lock',
    );

    // The first instance's sessions end as if its process had died: PostgreSQL frees the lock.
    await admin.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'runner-a' AND datname = current_database()`,
    );
    await eventually('b took over', async () => (await statusOf(second)).holdingLock);
    await appendEvents(store, 12);
    await eventually('b applied', async () => (await ledgerStats(admin)).rows >= 12);
    // The survivor of the kill now waits in turn instead of competing.
    await eventually(
      'a stands by',
      async () => (await statusOf(first)).state === 'waiting_for_lock',
    );
    expect(await statusOf(first)).toMatchObject({ holdingLock: false });
    expect(await ledgerStats(admin)).toEqual({ rows: 12, distinct: 12, instances: ['b'] });
  });

  it('refuses a rebuild while another instance runs the projection', async () => {
    const first = runner('a');
    first.start();
    await eventually('a holds the lock', async () => (await statusOf(first)).holdingLock);
    const cli = runner('b');
    await expect(cli.rebuild('ledger')).rejects.toMatchObject({
      code: 'READ_STORE.PROJECTION_LOCKED',
    });
    await expect(cli.rebuild('nope')).rejects.toMatchObject({
      code: 'READ_STORE.UNKNOWN_PROJECTION',
    });
  });
});
