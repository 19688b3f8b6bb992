import {
  type EventStore,
  PostgresEventStore,
  type RecordedEvent,
  eventStoreMigrations,
} from '@custodia/event-store';
import {
  ProjectionRunner,
  type ReadStoreLogger,
  createReadStoreDataSource,
  readStoreMigrations,
} from '@custodia/read-store';
import { type TestDatabase, createTestDatabase } from '@custodia/testing';
import type { DataSource } from 'typeorm';
import { type AccessEvent, accessLogStreamId } from '../access.events';
import { accessAlertMigrations } from './access-alert.migrations';
import { accessed, denied, exported, revealed } from './access-event.fixtures';
import { AlertProcessor, type AlertProcessorOptions } from './alert-processor';
import { ACCESS_ALERTS_STREAM, type AccessAnomalyDetected } from './alert.events';
import type { DetectedAlert } from './anomaly-detection';
import { accessAlertsProjection } from './read-models/access-alerts/access-alerts.projection';
import { listAlerts } from './read-models/access-alerts/access-alerts.query';

const logger: ReadStoreLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

const eventually = async (what: string, check: () => Promise<boolean>): Promise<void> => {
  const deadline = Date.now() + 15_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};

// Local times in Shanghai: 10:xx on 2026-11-30 is 02:xx UTC.
const manyReveals = Array.from({ length: 25 }, (_, i) =>
  revealed(`2026-11-30T02:${String(i).padStart(2, '0')}:00.000Z`),
);
const accessEvents: AccessEvent[] = [
  ...manyReveals,
  exported('2026-11-30T03:00:00.000Z', 600, { actorId: 'user-2' }),
  denied('2026-11-30T04:00:00.000Z', { actorId: 'user-3', underNotice: true }),
  accessed('2026-11-30T04:10:00.000Z', 3, { actorId: 'user-3', underNotice: true }),
  accessed('2026-11-30T04:20:00.000Z', 80), // working hours: no alert
];

describe(AlertProcessor.name, () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let store: EventStore;
  const running: AlertProcessor[] = [];

  const startProcessor = (options: Partial<AlertProcessorOptions> = {}): AlertProcessor => {
    const sut = new AlertProcessor({
      store,
      dataSource,
      logger,
      idleSaveMs: 50,
      retryMs: 50,
      ...options,
    });
    running.push(sut);
    sut.start();
    return sut;
  };
  const alertEvents = (): Promise<RecordedEvent[]> => store.readStream(ACCESS_ALERTS_STREAM);
  const eventsSeen = async (): Promise<number> => {
    const rows: { events_seen: string }[] = await dataSource.query(
      `SELECT events_seen FROM access_alert_state WHERE processor = 'access-alerts'`,
    );
    return Number(rows.at(0)?.events_seen ?? 0);
  };
  const append = (events: readonly AccessEvent[]) =>
    store.append(
      accessLogStreamId('api-1'),
      events.map(({ type, data }) => ({ type, data })),
    );

  beforeAll(async () => {
    database = await createTestDatabase('access_alerts');
    dataSource = createReadStoreDataSource({
      url: database.url,
      migrations: [...eventStoreMigrations, ...readStoreMigrations, ...accessAlertMigrations],
    });
    await dataSource.initialize();
    await dataSource.runMigrations();
    store = new PostgresEventStore({ url: database.url, pollIntervalMs: 50 });
    // Access events in two appends, as two API batches would write them.
    await append(accessEvents.slice(0, 10));
    await append(accessEvents.slice(10));
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((sut) => sut.stop()));
  });

  afterAll(async () => {
    await store?.close();
    await dataSource?.destroy();
    await database?.drop();
  });

  it('raises each alert once, and a replay from scratch appends none again', async () => {
    const told: DetectedAlert[] = [];
    const first = startProcessor({ onAlert: (alert) => Promise.resolve(void told.push(alert)) });
    await eventually(
      'all access events seen',
      async () => (await eventsSeen()) === accessEvents.length,
    );
    await first.stop();

    const alerts = (await alertEvents()) as unknown as (RecordedEvent & AccessAnomalyDetected)[];
    expect(alerts.map((alert) => [alert.data.rule, alert.data.actorId, alert.data.count])).toEqual([
      ['many-reveals', 'user-1', 21],
      ['bulk-export', 'user-2', 600],
      ['access-under-notice', 'user-3', 1],
    ]);
    expect(alerts[0].data.sourceEventIds).toHaveLength(10);
    expect(told.map((alert) => alert.id)).toEqual(alerts.map((alert) => alert.id));

    // Crash before any checkpoint: counters and checkpoint gone, the whole log is replayed.
    await dataSource.query(`DELETE FROM access_alert_state`);
    const toldOnReplay: DetectedAlert[] = [];
    startProcessor({
      onAlert: (alert) => Promise.resolve(void toldOnReplay.push(alert)),
      now: () => new Date(Date.now() + 60 * 60_000),
    });
    await eventually('replay done', async () => (await eventsSeen()) === accessEvents.length);

    expect((await alertEvents()).map((event) => event.id)).toEqual(alerts.map((alert) => alert.id));
    expect(toldOnReplay).toEqual([]);
  });

  it('resumes from its checkpoint and counters: new events complete a window once', async () => {
    const sut = startProcessor();
    const before = (await alertEvents()).length;
    await eventually('caught up', async () => (await eventsSeen()) === accessEvents.length);

    // 21:00-21:59 in Shanghai: 30 customers, stop, then 30 more in the same hour.
    await append([accessed('2026-11-30T13:05:00.000Z', 30)]);
    await eventually(
      'first half seen',
      async () => (await eventsSeen()) === accessEvents.length + 1,
    );
    await sut.stop();
    await append([accessed('2026-11-30T13:15:00.000Z', 30)]);
    startProcessor();
    await eventually(
      'second half seen',
      async () => (await eventsSeen()) === accessEvents.length + 2,
    );

    const after = (await alertEvents()) as unknown as AccessAnomalyDetected[];
    expect(after).toHaveLength(before + 1);
    expect(after.at(-1)?.data).toMatchObject({ rule: 'off-hours-mass-viewing', count: 60 });
  });

  it('lets only one processor run at a time; the other takes over when it stops', async () => {
    const advisoryLocks = async (): Promise<number> => {
      const rows: { n: string }[] = await dataSource.query(
        `SELECT count(*) AS n FROM pg_locks
          WHERE locktype = 'advisory' AND granted
            AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      );
      return Number(rows[0].n);
    };
    const one = startProcessor();
    await eventually('one holds the lock', async () => (await advisoryLocks()) === 1);
    startProcessor();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await advisoryLocks()).toBe(1);

    await one.stop();
    await append([revealed('2026-11-30T09:00:00.000Z')]);
    await eventually(
      'the second processor took over',
      async () => (await eventsSeen()) === accessEvents.length + 3,
    );
    expect(await advisoryLocks()).toBe(1);
    expect((await alertEvents()).length).toBe(4);
  });

  it('feeds the access-alerts read model, listed newest first with filters and a cursor', async () => {
    const runner = new ProjectionRunner({
      dataSource,
      eventStore: store,
      projections: [accessAlertsProjection],
      logger,
      pollIntervalMs: 50,
      lockRetryMs: 50,
    });
    runner.start();
    try {
      await eventually('alerts projected', async () => {
        const rows: { n: string }[] = await dataSource.query(
          `SELECT count(*) AS n FROM access_alerts`,
        );
        return Number(rows[0].n) === 4;
      });
    } finally {
      await runner.stop();
    }

    const all = await listAlerts(dataSource, { limit: 10 });
    expect(all.alerts.map((alert) => alert.rule)).toEqual([
      'off-hours-mass-viewing',
      'access-under-notice',
      'bulk-export',
      'many-reveals',
    ]);
    expect(all.nextCursor).toBeNull();
    expect(all.alerts[2]).toMatchObject({
      actorId: 'user-2',
      windowStart: '2026-11-29T16:00:00.000Z',
      windowEnd: '2026-11-30T16:00:00.000Z',
      count: 600,
      threshold: 500,
      detectedAt: '2026-11-30T03:00:00.000Z',
      underNotice: false,
    });

    const firstPage = await listAlerts(dataSource, { limit: 3 });
    expect(firstPage.nextCursor).not.toBeNull();
    const secondPage = await listAlerts(dataSource, {
      limit: 3,
      cursor: firstPage.nextCursor ?? undefined,
    });
    expect([...firstPage.alerts, ...secondPage.alerts]).toEqual(all.alerts);
    expect(secondPage.nextCursor).toBeNull();

    const byActor = await listAlerts(dataSource, { actorId: 'user-3', limit: 10 });
    expect(byActor.alerts.map((alert) => alert.rule)).toEqual(['access-under-notice']);
    const byRule = await listAlerts(dataSource, { rule: 'bulk-export', limit: 10 });
    expect(byRule.alerts.map((alert) => alert.actorId)).toEqual(['user-2']);
    const since = await listAlerts(dataSource, {
      since: new Date('2026-11-30T04:00:00.000Z'),
      limit: 10,
    });
    expect(since.alerts).toHaveLength(2);
    await expect(listAlerts(dataSource, { cursor: 'nonsense', limit: 10 })).rejects.toMatchObject({
      code: 'ACCESS.INVALID_ALERT_QUERY',
    });
  });

  it('migrates down and up again', async () => {
    const other = await createTestDatabase('access_alerts_down');
    const source = createReadStoreDataSource({
      url: other.url,
      migrations: [...accessAlertMigrations],
    });
    try {
      await source.initialize();
      await source.runMigrations();
      await source.undoLastMigration();
      await source.undoLastMigration();
      const tables: unknown[] = await source.query(
        `SELECT 1 FROM pg_tables WHERE tablename IN ('access_alerts', 'access_alert_state')`,
      );
      expect(tables).toEqual([]);
      await source.runMigrations();
    } finally {
      await source.destroy();
      await other.drop();
    }
  });
});
