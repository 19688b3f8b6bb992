import type { EventStore } from '@custodia/event-store';
import { createTestDatabase, type TestDatabase } from '@custodia/testing';
import { Registry } from 'prom-client';
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

const CANARY = 'canary-13800138000';

describe(`${ProjectionRunner.name} when a batch crashes`, () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let store: EventStore;
  let sut: ProjectionRunner | undefined;

  beforeEach(async () => {
    database = await createTestDatabase('read-store-crash');
    dataSource = await openDataSource(database.url);
    store = await createTestEventStore(database.url);
  });

  afterEach(async () => {
    await sut?.stop();
    await store.close();
    await dataSource.destroy();
    await database.drop();
  });

  it('rolls back a batch that throws on its 7th event, then applies it exactly once', async () => {
    await appendEvents(store, 50, { data: { phone: CANARY } });
    let failing = true;
    let applied = 0;
    const control: LedgerControl = {
      resets: 0,
      beforeApply: () => {
        applied += 1;
        if (failing && applied % 50 === 7) throw new Error('projection bug');
        return Promise.resolve();
      },
    };
    const logger = captureLogger();
    const registry = new Registry();
    sut = new ProjectionRunner({
      dataSource,
      eventStore: store,
      projections: [ledgerProjection({}, control)],
      logger,
      registry,
      batchSize: 50,
      ...fastRunnerSettings,
      now: () => new Date(Date.now() + 3_600_000), // an hour behind, to read the lag
    });
    sut.start();

    await eventually('two failed attempts', async () => {
      const [status] = await sut!.status();
      return (status.failure?.attempts ?? 0) >= 2;
    });
    // Nothing of the failed batch is visible, and the checkpoint did not move.
    expect(await ledgerStats(dataSource)).toEqual({ rows: 0, distinct: 0, instances: [] });
    expect(await checkpointRow(dataSource)).toEqual({
      version: 1,
      position: null,
      events_applied: 0,
    });
    const [failingStatus] = await sut.status();
    expect(failingStatus).toMatchObject({
      state: 'failing',
      holdingLock: true,
      failure: { error: 'ReadStoreError READ_STORE.APPLY_FAILED' },
    });

    const lagWhileFailing = await registry.getSingleMetricAsString(
      'custodia_projection_lag_seconds',
    );
    const lag = Number(/\{projection="ledger"\} ([\d.]+)/.exec(lagWhileFailing)?.[1]);
    expect(lag).toBeGreaterThan(3_590);
    expect(lag).toBeLessThan(3_700);
    expect(failingStatus.lagSeconds).toBeGreaterThan(3_590);

    failing = false;
    await eventually(
      'all 50 applied',
      async () => (await ledgerStats(dataSource)).rows >= 50,
      15_000,
      () => sut!.status(),
    );
    await eventually('live', async () => (await sut!.status())[0].state === 'live');
    expect(await ledgerStats(dataSource)).toEqual({ rows: 50, distinct: 50, instances: ['a'] });
    const last = (await store.readAll({ maxCount: 1000 })).at(-1);
    expect(await checkpointRow(dataSource)).toEqual({
      version: 1,
      position: last?.position,
      events_applied: 50,
    });
    expect((await sut.status())[0]).toMatchObject({ failure: undefined, lagSeconds: 0 });
    expect(await registry.getSingleMetricAsString('custodia_projection_lag_seconds')).toContain(
      'custodia_projection_lag_seconds{projection="ledger"} 0',
    );

    // Failures are logged with the code and the event's type and position, never its data.
    const errors = logger.entries.filter((entry) => entry.level === 'error');
    expect(errors.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(errors[0].fields)).toContain('READ_STORE.APPLY_FAILED');
    expect(JSON.stringify(errors[0].fields)).toContain('ThingHappened');
    expect(JSON.stringify(logger.entries)).not.toContain(CANARY);
    expect(await registry.getSingleMetricAsString('custodia_projection_failures_total')).toMatch(
      /custodia_projection_failures_total\{projection="ledger"\} [2-9]/,
    );
    expect(
      await registry.getSingleMetricAsString('custodia_projection_events_applied_total'),
    ).toContain('custodia_projection_events_applied_total{projection="ledger"} 50');
  });

  it('survives its database connection being killed mid-batch, then applies exactly once', async () => {
    await appendEvents(store, 50);
    let kills = 0;
    let seen = 0;
    const control: LedgerControl = {
      resets: 0,
      beforeApply: async (_event, manager) => {
        seen += 1;
        if (kills === 0 && seen === 7) {
          kills += 1;
          // The batch's own connection dies, as it would if the process or the network did.
          await manager.query('SELECT pg_terminate_backend(pg_backend_pid())');
        }
      },
    };
    sut = new ProjectionRunner({
      dataSource,
      eventStore: store,
      projections: [ledgerProjection({}, control)],
      logger: captureLogger(),
      batchSize: 50,
      ...fastRunnerSettings,
    });
    sut.start();

    await eventually(
      'all 50 applied',
      async () => (await ledgerStats(dataSource)).rows >= 50,
      15_000,
      () => sut!.status(),
    );
    await eventually('live', async () => (await sut!.status())[0].state === 'live');
    expect(kills).toBe(1);
    expect(await ledgerStats(dataSource)).toEqual({ rows: 50, distinct: 50, instances: ['a'] });
    expect(await checkpointRow(dataSource)).toMatchObject({ events_applied: 50 });
  });

  it('lets another instance finish exactly once after one loses every connection mid-batch', async () => {
    await appendEvents(store, 50);
    const doomed = await openDataSource(database.url, 'runner-doomed');
    let seen = 0;
    let dead = false;
    const control: LedgerControl = {
      resets: 0,
      beforeApply: async () => {
        seen += 1;
        if (dead) throw new Error('process is gone');
        if (seen === 25) {
          dead = true;
          // Every connection of this "process" (lock session included) drops at once.
          await dataSource.query(
            `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
              WHERE application_name = 'runner-doomed' AND datname = current_database()`,
          );
          throw new Error('connection lost');
        }
      },
    };
    const first = new ProjectionRunner({
      dataSource: doomed,
      eventStore: store,
      projections: [ledgerProjection({ instance: 'doomed' }, control)],
      logger: captureLogger(),
      batchSize: 10,
      ...fastRunnerSettings,
    });
    first.start();
    await eventually('the crash', () => dead);
    await first.stop();
    await doomed.destroy();
    // Batches hold up to 10 events, fewer when readers lag (an open transaction elsewhere on
    // the server holds events back), so the crash lands after 2 or more whole batches: what
    // counts is that the read model and the checkpoint agree and the crashed batch left nothing.
    const crashed = await ledgerStats(dataSource);
    expect(crashed.instances).toEqual(['doomed']);
    expect(crashed.distinct).toBe(crashed.rows);
    expect(crashed.rows).toBeLessThan(25);
    expect(crashed.rows).toBeGreaterThan(0);
    expect(await checkpointRow(dataSource)).toMatchObject({ events_applied: crashed.rows });

    sut = new ProjectionRunner({
      dataSource,
      eventStore: store,
      projections: [ledgerProjection({ instance: 'survivor' })],
      logger: captureLogger(),
      batchSize: 10,
      ...fastRunnerSettings,
    });
    sut.start();
    await eventually(
      'all 50',
      async () => (await ledgerStats(dataSource)).rows >= 50,
      15_000,
      () => sut!.status(),
    );
    await eventually('live', async () => (await sut!.status())[0].state === 'live');
    expect(await ledgerStats(dataSource)).toEqual({
      rows: 50,
      distinct: 50,
      instances: ['doomed', 'survivor'],
    });
    expect(await checkpointRow(dataSource)).toMatchObject({ events_applied: 50 });
  });

  it('aborts a batch that stalls inside its transaction, then applies it exactly once', async () => {
    await appendEvents(store, 20);
    let stalls = 0;
    const control: LedgerControl = {
      resets: 0,
      beforeApply: async () => {
        if (stalls > 0) return;
        stalls += 1;
        await new Promise((resolve) => setTimeout(resolve, 1_000)); // idle in transaction
      },
    };
    const logger = captureLogger();
    sut = new ProjectionRunner({
      dataSource,
      eventStore: store,
      projections: [ledgerProjection({}, control)],
      logger,
      batchTimeoutMs: 200,
      ...fastRunnerSettings,
    });
    sut.start();

    await eventually('all 20 applied', async () => (await ledgerStats(dataSource)).rows >= 20);
    await eventually('live', async () => (await sut!.status())[0].state === 'live');
    expect(stalls).toBe(1);
    expect(await ledgerStats(dataSource)).toEqual({ rows: 20, distinct: 20, instances: ['a'] });
    expect(await checkpointRow(dataSource)).toMatchObject({ events_applied: 20 });
    // Without the timeout the stalled batch would simply have committed late, with no error.
    const errors = logger.entries.filter((e) => e.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0].fields).toMatchObject({ err: { code: 'READ_STORE.APPLY_FAILED' } });
  });
});
