import { randomUUID } from 'node:crypto';
import type { Position, RecordedEvent } from '@custodia/event-store';
import {
  createReadStoreDataSource,
  readStoreEntities,
  readStoreMigrations,
} from '@custodia/read-store';
import { createTestDatabase, type TestDatabase } from '@custodia/testing';
import type { DataSource } from 'typeorm';
import type { AccessEvent, FieldDisclosure } from '../../access.events';
import type { AccessQueryError } from '../access-query.errors';
import { accessTimelineMigrations } from './access-timeline.migrations';
import { accessTimelineProjection } from './access-timeline.projection';
import { AccessWindowQueries } from './access-timeline.window.query';

// Sorted ids, so the scope's id order is the order written here.
const C1 = '00000000-0000-7000-8000-000000000001';
const C2 = '00000000-0000-7000-8000-000000000002';
const C3 = '00000000-0000-7000-8000-000000000003';
const MASKED: FieldDisclosure[] = [
  { field: 'name', view: 'masked' },
  { field: 'phone', view: 'masked' },
];

const context = (actorId: string) => ({
  actorId,
  roles: ['sales' as const],
  purpose: 'sales_followup',
  requestId: `req-${randomUUID()}`,
  route: 'GET /v1/customers/:id',
  underNotice: false,
});
const viewed = (
  actorId: string,
  at: string,
  customerIds: string[],
  fields = MASKED,
): AccessEvent => ({
  type: 'CustomerDataAccessed',
  data: { ...context(actorId), customerIds, fields, accessedAt: at },
});

let sequence = 0;
const recorded = (event: AccessEvent): RecordedEvent => {
  sequence += 1;
  return {
    id: randomUUID(),
    streamId: 'AccessLog-window',
    type: event.type,
    revision: sequence,
    position: String(sequence) as Position,
    data: event.data,
    metadata: {},
    recordedAt: new Date('2026-06-01T00:00:00.000Z'),
  };
};

const history: AccessEvent[] = [
  viewed('rep.a', '2026-06-01T01:00:00.000Z', [C1, C2]),
  {
    type: 'PersonalDataRevealed',
    data: {
      ...context('rep.a'),
      customerId: C1,
      fields: ['phone'],
      reason: 'callback',
      revealedAt: '2026-06-01T02:00:00.000Z',
    },
  },
  {
    type: 'CustomerDataExported',
    data: {
      ...context('rep.a'),
      watermark: 'wm-1',
      rowCount: 120,
      fields: [{ field: 'name', view: 'masked' }],
      filter: {},
      exportedAt: '2026-06-01T03:00:00.000Z',
    },
  },
  {
    type: 'AccessDenied',
    data: {
      ...context('rep.a'),
      purpose: null,
      action: 'export',
      customerId: null,
      reason: 'UNDER_NOTICE',
      deniedAt: '2026-06-01T04:00:00.000Z',
    },
  },
  viewed('rep.b', '2026-06-01T05:00:00.000Z', [C3]),
  // A response that named no customer: counts as a view, discloses no customer's field.
  viewed('rep.b', '2026-06-01T06:00:00.000Z', [], [{ field: 'name', view: 'masked' }]),
  // Outside the window.
  viewed('rep.a', '2026-06-03T00:00:00.000Z', [C3]),
];

const WINDOW = { from: new Date('2026-06-01T00:00:00.000Z'), to: new Date('2026-06-02T00:00:00Z') };

describe(AccessWindowQueries.name, () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let sut: AccessWindowQueries;

  beforeAll(async () => {
    database = await createTestDatabase('access-window');
    dataSource = createReadStoreDataSource({
      url: database.url,
      applicationName: 'custodia-access-window-test',
      entities: [...readStoreEntities],
      migrations: [...readStoreMigrations, ...accessTimelineMigrations],
    });
    await dataSource.initialize();
    await dataSource.runMigrations();
    sut = new AccessWindowQueries(dataSource);
    await dataSource.transaction(async (manager) => {
      for (const event of history.map(recorded))
        await accessTimelineProjection.apply(event, manager);
    });
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('scopes the window: customers with fields clear and masked and who saw them', async () => {
    const scope = await sut.scope(WINDOW);
    expect(scope.customerCount).toBe(3);
    expect(scope.customersTruncated).toBe(false);
    expect(scope.customers).toEqual([
      { customerId: C1, clear: ['phone'], masked: ['name', 'phone'], actorIds: ['rep.a'] },
      { customerId: C2, clear: [], masked: ['name', 'phone'], actorIds: ['rep.a'] },
      { customerId: C3, clear: [], masked: ['name', 'phone'], actorIds: ['rep.b'] },
    ]);
    expect(scope.fields).toEqual([
      {
        field: 'name',
        clear: { customers: 0, records: 0 },
        masked: { customers: 3, records: 3 },
        exports: 1,
      },
      {
        field: 'phone',
        clear: { customers: 1, records: 1 },
        masked: { customers: 3, records: 3 },
        exports: 0,
      },
    ]);
    expect(scope.actors).toEqual([
      {
        actorId: 'rep.a',
        views: 1,
        reveals: 1,
        exports: 1,
        exportedRows: 120,
        denials: 1,
        customers: 2,
      },
      {
        actorId: 'rep.b',
        views: 2,
        reveals: 0,
        exports: 0,
        exportedRows: 0,
        denials: 0,
        customers: 1,
      },
    ]);
    expect(scope.exports).toEqual([
      expect.objectContaining({
        actorId: 'rep.a',
        watermark: 'wm-1',
        rowCount: 120,
        fields: [{ field: 'name', view: 'masked' }],
        occurredAt: '2026-06-01T03:00:00.000Z',
      }),
    ]);
  });

  it("narrows the scope to one actor's accesses", async () => {
    const scope = await sut.scope({ ...WINDOW, actorId: 'rep.a' });
    expect(scope.customers.map((customer) => customer.customerId)).toEqual([C1, C2]);
    expect(scope.actors.map((actor) => actor.actorId)).toEqual(['rep.a']);
    expect((await sut.scope({ ...WINDOW, actorId: 'nobody' })).customerCount).toBe(0);
  });

  it('lists at most maxCustomers and says the list is cut, the count staying exact', async () => {
    const scope = await sut.scope(WINDOW, { maxCustomers: 1 });
    expect(scope.customers.map((customer) => customer.customerId)).toEqual([C1]);
    expect(scope).toMatchObject({ customerCount: 3, customersTruncated: true });
  });

  it('summarises per actor, purpose and field, and denials per actor and reason', async () => {
    const rows = await sut.fieldSummary(WINDOW);
    const line = (actorId: string, field: string) =>
      rows.find((row) => row.actorId === actorId && row.field === field);
    expect(rows).toHaveLength(4);
    expect(line('rep.a', 'name')).toEqual({
      actorId: 'rep.a',
      purpose: 'sales_followup',
      field: 'name',
      views: 1,
      clear: 0,
      masked: 2,
      reveals: 0,
      exports: 1,
      rows: 120,
    });
    expect(line('rep.a', 'phone')).toMatchObject({ views: 1, clear: 1, masked: 2, reveals: 1 });
    expect(line('rep.b', 'name')).toMatchObject({ views: 2, masked: 1, exports: 0 });
    expect(await sut.denials(WINDOW)).toEqual([
      { actorId: 'rep.a', reason: 'UNDER_NOTICE', count: 1 },
    ]);
  });

  it('refuses an empty, reversed or over-long window, naming `to`', async () => {
    const attempts = [
      sut.scope({ from: WINDOW.to, to: WINDOW.from }),
      sut.fieldSummary({ from: WINDOW.from, to: WINDOW.from }),
      sut.denials({ from: new Date('2020-01-01T00:00:00Z'), to: WINDOW.to }),
    ];
    const refusals = await Promise.all(
      attempts.map((attempt) =>
        attempt.then(
          () => 'none',
          (error: AccessQueryError) => `${error.code} ${error.parameter}`,
        ),
      ),
    );
    expect(refusals).toEqual(Array(3).fill('ACCESS.INVALID_FILTER to'));
  });
});
