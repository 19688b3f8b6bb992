import { randomUUID } from 'node:crypto';
import type { FieldName } from '@custodia/consent';
import type { Position, RecordedEvent } from '@custodia/event-store';
import {
  createReadStoreDataSource,
  readStoreEntities,
  readStoreMigrations,
} from '@custodia/read-store';
import { createTestDatabase, type TestDatabase } from '@custodia/testing';
import type { DataSource } from 'typeorm';
import type { AccessEvent } from '../../access.events';
import { type AccessQueryError } from '../access-query.errors';
import { accessTimelineMigrations } from './access-timeline.migrations';
import { accessTimelineProjection } from './access-timeline.projection';
import { AccessTimelineQueries } from './access-timeline.query';

// Ids, field names and times only; the reveal's reason is a canary that must not be projected.
const REASON_CANARY = 'CANARY-REASON 客户要求回电到新号码';
const C1 = randomUUID();
const C2 = randomUUID();
const C3 = randomUUID();

const context = (actorId: string, at: string, underNotice = false) => ({
  actorId,
  roles: ['sales' as const],
  purpose: 'sales_followup',
  requestId: `req-${at}`,
  route: 'GET /v1/customers',
  underNotice,
});

const viewed = (
  actorId: string,
  at: string,
  customerIds: string[],
  underNotice = false,
): AccessEvent => ({
  type: 'CustomerDataAccessed',
  data: {
    ...context(actorId, at, underNotice),
    customerIds,
    fields: [
      { field: 'name', view: 'masked' },
      { field: 'phone', view: 'masked' },
    ],
    accessedAt: at,
  },
});

const revealed = (
  actorId: string,
  at: string,
  customerId: string,
  fields: FieldName[],
): AccessEvent => ({
  type: 'PersonalDataRevealed',
  data: {
    ...context(actorId, at),
    route: 'POST /v1/customers/:id/reveal',
    customerId,
    fields,
    reason: REASON_CANARY,
    revealedAt: at,
  },
});

const exported = (
  actorId: string,
  at: string,
  rowCount: number,
  watermark: string,
): AccessEvent => ({
  type: 'CustomerDataExported',
  data: {
    ...context(actorId, at),
    route: 'POST /v1/exports',
    watermark,
    rowCount,
    fields: [{ field: 'name', view: 'masked' }],
    filter: { team: 'east' },
    exportedAt: at,
  },
});

const denied = (actorId: string, at: string, customerId: string | null): AccessEvent => ({
  type: 'AccessDenied',
  data: {
    ...context(actorId, at),
    purpose: null,
    action: 'export',
    customerId,
    reason: 'UNDER_NOTICE',
    deniedAt: at,
  },
});

let sequence = 0;
const recorded = (event: AccessEvent): RecordedEvent => {
  sequence += 1;
  return {
    id: randomUUID(),
    streamId: 'AccessLog-test',
    type: event.type,
    revision: sequence,
    position: String(sequence) as Position,
    data: event.data,
    metadata: {},
    recordedAt: new Date('2026-07-01T00:00:00.000Z'),
  };
};

describe(AccessTimelineQueries.name, () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let sut: AccessTimelineQueries;

  const apply = (events: readonly RecordedEvent[]): Promise<void> =>
    dataSource.transaction(async (manager) => {
      for (const event of events) await accessTimelineProjection.apply(event, manager);
    });
  const rowCount = async (): Promise<number> =>
    (await dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM access_timeline`))[0]
      ?.n ?? -1;

  // rep.a: three views, two reveals, two exports, one denial; rep.b: one view of C1.
  const history = [
    viewed('rep.a', '2026-06-01T01:00:00.000Z', [C1, C2, C3]),
    viewed('rep.a', '2026-06-02T01:00:00.000Z', [C1]),
    revealed('rep.a', '2026-06-02T02:00:00.000Z', C1, ['phone', 'email']),
    viewed('rep.b', '2026-06-02T03:00:00.000Z', [C1]),
    exported('rep.a', '2026-06-03T01:00:00.000Z', 120, 'wm-one'),
    revealed('rep.a', '2026-06-04T01:00:00.000Z', C2, ['phone']),
    viewed('rep.a', '2026-06-05T01:00:00.000Z', [C2], true),
    exported('rep.a', '2026-06-05T02:00:00.000Z', 30, 'wm-two'),
    denied('rep.a', '2026-06-05T03:00:00.000Z', null),
  ].map(recorded);

  beforeAll(async () => {
    database = await createTestDatabase('access-timeline');
    dataSource = createReadStoreDataSource({
      url: database.url,
      applicationName: 'custodia-access-timeline-test',
      entities: [...readStoreEntities],
      migrations: [...readStoreMigrations, ...accessTimelineMigrations],
    });
    await dataSource.initialize();
    await dataSource.runMigrations();
    sut = new AccessTimelineQueries(dataSource);
    await apply(history);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('stores one row per event and customer, and a replay adds nothing', async () => {
    // 3 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 rows
    expect(await rowCount()).toBe(11);
    await apply(history);
    expect(await rowCount()).toBe(11);
  });

  it("never stores a reveal's reason", async () => {
    const dump: { text: string }[] = await dataSource.query(
      `SELECT string_agg(t::text, ' ') AS text FROM access_timeline t`,
    );
    expect(dump[0]?.text).toContain(C1);
    expect(dump[0]?.text).not.toContain('CANARY-REASON');
    const reveal = await sut.byCustomer(C1, { limit: 10 });
    expect(reveal.entries.find((entry) => entry.kind === 'revealed')).toMatchObject({
      actorId: 'rep.a',
      fields: [
        { field: 'phone', view: 'full' },
        { field: 'email', view: 'full' },
      ],
      reason: null,
    });
  });

  it("lists an actor's accesses newest first, page by page, without gaps or repeats", async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await sut.byActor('rep.a', {
        limit: 3,
        ...(cursor === undefined ? {} : { cursor }),
      });
      seen.push(
        ...page.entries.map((entry) => `${entry.occurredAt} ${entry.kind} ${entry.customerId}`),
      );
      cursor = page.nextCursor ?? undefined;
      pages += 1;
    } while (cursor !== undefined);
    expect(pages).toBe(4);
    expect(seen).toHaveLength(10);
    expect(new Set(seen).size).toBe(10);
    const times = seen.map((line) => line.slice(0, 24));
    expect([...times].sort().reverse()).toEqual(times);
    expect(seen[0]).toBe('2026-06-05T03:00:00.000Z denied null');
  });

  it('filters by time: from inclusive, to exclusive', async () => {
    const page = await sut.byActor('rep.a', {
      from: new Date('2026-06-02T01:00:00.000Z'),
      to: new Date('2026-06-04T01:00:00.000Z'),
      limit: 50,
    });
    expect(page.entries.map((entry) => entry.kind)).toEqual(['exported', 'revealed', 'viewed']);
    expect(page.entries[0]).toMatchObject({ rowCount: 120, watermark: 'wm-one', customerId: null });
    expect(page.nextCursor).toBeNull();
  });

  it('lists who accessed a customer, newest first', async () => {
    const page = await sut.byCustomer(C1, { limit: 50 });
    expect(page.entries.map((entry) => [entry.actorId, entry.kind])).toEqual([
      ['rep.b', 'viewed'],
      ['rep.a', 'revealed'],
      ['rep.a', 'viewed'],
      ['rep.a', 'viewed'],
    ]);
    expect(page.entries[0]).toMatchObject({ purpose: 'sales_followup', underNotice: false });
  });

  it('refuses a cursor it did not issue and a limit out of range', async () => {
    const attempts = [
      sut.byActor('rep.a', { limit: 10, cursor: 'bm90LWEtY3Vyc29y' }),
      sut.byActor('rep.a', { limit: 0 }),
      sut.byCustomer(C1, { limit: 501 }),
    ];
    const codes = await Promise.all(
      attempts.map((attempt) =>
        attempt.then(
          () => 'none',
          (error: AccessQueryError) => error.code,
        ),
      ),
    );
    expect(codes).toEqual([
      'ACCESS.INVALID_CURSOR',
      'ACCESS.INVALID_FILTER',
      'ACCESS.INVALID_FILTER',
    ]);
  });

  it('reports what a user accessed: counts, fields, watermarks and customer ids only', async () => {
    expect(await sut.accessReport('rep.a')).toEqual({
      actorId: 'rep.a',
      since: null,
      viewedCustomers: 3,
      views: 3,
      reveals: { count: 2, byField: { email: 1, phone: 2 }, customerIds: [C1, C2].sort() },
      exports: { count: 2, rows: 150, watermarks: ['wm-one', 'wm-two'] },
      denials: 1,
      underNotice: 1,
      firstAt: '2026-06-01T01:00:00.000Z',
      lastAt: '2026-06-05T03:00:00.000Z',
    });
  });

  it('reports from a given time, and an empty report for a user with no access', async () => {
    const since = await sut.accessReport('rep.a', { since: new Date('2026-06-04T00:00:00.000Z') });
    expect(since).toMatchObject({
      since: '2026-06-04T00:00:00.000Z',
      viewedCustomers: 1,
      views: 1,
      reveals: { count: 1, byField: { phone: 1 }, customerIds: [C2] },
      exports: { count: 1, rows: 30, watermarks: ['wm-two'] },
      denials: 1,
      firstAt: '2026-06-04T01:00:00.000Z',
    });
    expect(await sut.accessReport('nobody')).toMatchObject({
      viewedCustomers: 0,
      views: 0,
      reveals: { count: 0, byField: {}, customerIds: [] },
      exports: { count: 0, rows: 0, watermarks: [] },
      firstAt: null,
      lastAt: null,
    });
  });

  it('empties on reset, and its migrations revert and re-apply', async () => {
    await dataSource.transaction((manager) => accessTimelineProjection.reset(manager));
    expect(await rowCount()).toBe(0);
    for (const _ of accessTimelineMigrations) await dataSource.undoLastMigration();
    const [gone] = await dataSource.query(`SELECT to_regclass('access_timeline') AS t`);
    expect(gone).toEqual({ t: null });
    await dataSource.runMigrations();
    await apply(history.slice(0, 1));
    expect(await rowCount()).toBe(3);
  });
});
