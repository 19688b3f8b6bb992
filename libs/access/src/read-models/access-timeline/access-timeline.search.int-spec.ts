import { randomUUID } from 'node:crypto';
import type { Position, RecordedEvent } from '@custodia/event-store';
import {
  createReadStoreDataSource,
  readStoreEntities,
  readStoreMigrations,
} from '@custodia/read-store';
import { createTestDatabase, type TestDatabase } from '@custodia/testing';
import type { DataSource } from 'typeorm';
import type { AccessQueryError } from '../access-query.errors';
import { accessTimelineMigrations } from './access-timeline.migrations';
import { accessTimelineProjection } from './access-timeline.projection';
import { AccessTimelineQueries } from './access-timeline.query';
import { AccessTimelineSearch, type AuditTimelineEntry } from './access-timeline.search';

// Personal values planted in every event that carries one: none may reach the read model.
const CANARY = 'CANARY-7f3a 王小明 13912345678';
const C1 = randomUUID();
const C2 = randomUUID();

let sequence = 0;
const recorded = (
  type: string,
  data: Record<string, unknown>,
  metadata: Record<string, unknown> = {},
  streamId = `Customer-${String(data.customerId)}`,
): RecordedEvent => {
  sequence += 1;
  return {
    id: randomUUID(),
    streamId,
    type,
    revision: sequence,
    position: String(sequence) as Position,
    data,
    metadata,
    recordedAt: new Date('2026-07-01T00:00:00.000Z'),
  };
};

const by = (actorId: string, now: string, correlationId = `req-${now}`) => ({
  actorId,
  now,
  correlationId,
});

const access = (base: Record<string, unknown>) => ({
  roles: ['sales'],
  requestId: 'req-access',
  route: 'GET /v1/customers/:id',
  underNotice: false,
  ...base,
});

const history: RecordedEvent[] = [
  recorded(
    'CustomerRegistered',
    {
      customerId: C1,
      name: CANARY,
      phone: '13912345678',
      company: CANARY,
      ownerId: 'rep.a',
      team: 'east',
      registeredAt: '2026-06-01T00:00:00.000Z',
      actorId: 'rep.a',
    },
    by('rep.a', '2026-06-01T00:00:00.000Z'),
  ),
  recorded(
    'ConsentGranted',
    {
      customerId: C1,
      purpose: 'sales_followup',
      noticeVersion: 'general-2025-06',
      noticeSha256: 'ab'.repeat(32),
      noticeLanguage: 'zh-CN',
      channel: 'web',
      evidence: CANARY,
      separate: false,
      grantedAt: '2026-05-31T00:00:00.000Z',
      actorId: 'rep.a',
    },
    // Just before the registration (same append in practice): a stable order for the test.
    by('rep.a', '2026-05-31T23:59:59.000Z'),
  ),
  recorded(
    'CustomerDataAccessed',
    access({
      actorId: 'rep.a',
      purpose: 'sales_followup',
      customerIds: [C1, C2],
      fields: [
        { field: 'name', view: 'masked' },
        { field: 'phone', view: 'masked' },
      ],
      accessedAt: '2026-06-02T00:00:00.000Z',
    }),
    {},
    'AccessLog-x',
  ),
  recorded(
    'PersonalDataRevealed',
    access({
      actorId: 'rep.a',
      purpose: 'sales_followup',
      customerId: C1,
      fields: ['phone'],
      reason: CANARY,
      revealedAt: '2026-06-03T00:00:00.000Z',
    }),
    {},
    'AccessLog-x',
  ),
  recorded(
    'AccessDenied',
    access({
      actorId: 'rep.b',
      purpose: 'sales_followup',
      action: 'read',
      customerId: C1,
      reason: 'OUT_OF_SCOPE',
      deniedAt: '2026-06-04T00:00:00.000Z',
    }),
    {},
    'AccessLog-x',
  ),
  recorded(
    'CustomerProfileUpdated',
    {
      customerId: C1,
      email: CANARY,
      removed: ['company'],
      updatedAt: '2026-06-05T00:00:00.000Z',
      actorId: 'rep.a',
    },
    by('rep.a', '2026-06-05T00:00:00.000Z'),
  ),
  recorded(
    'FollowUpLogged',
    {
      customerId: C1,
      followUpId: randomUUID(),
      purpose: 'sales_followup',
      channel: 'call',
      summary: CANARY,
      nextStep: CANARY,
      orderStatus: 'quoted',
      occurredAt: '2026-06-05T00:00:00.000Z',
      recordedAt: '2026-06-06T00:00:00.000Z',
      actorId: 'rep.a',
    },
    by('rep.a', '2026-06-06T00:00:00.000Z'),
  ),
  recorded(
    'CustomerOwnerChanged',
    {
      customerId: C1,
      previousOwnerId: 'rep.a',
      ownerId: 'rep.c',
      previousTeam: 'east',
      team: 'north',
      changedAt: '2026-06-07T00:00:00.000Z',
      actorId: 'mgr.east',
    },
    by('mgr.east', '2026-06-07T00:00:00.000Z'),
  ),
  recorded(
    'ConsentWithdrawn',
    {
      customerId: C1,
      purpose: 'sales_followup',
      channel: 'phone',
      withdrawnAt: '2026-06-08T00:00:00.000Z',
      actorId: 'rep.c',
    },
    { ...by('rep.c', '2026-06-08T00:00:00.000Z'), purpose: 'sales_followup' },
  ),
  recorded(
    'PrivacyRequestCompleted',
    {
      requestId: 'pr-1',
      customerId: C1,
      completedAt: '2026-06-09T00:00:00.000Z',
      outcome: { corrected: 'phone+name' },
    },
    by('dpo', '2026-06-09T00:00:00.000Z', 'pr-1'),
    'PrivacyRequest-pr-1',
  ),
  recorded(
    'PrivacyRequestCompleted',
    {
      requestId: 'pr-2',
      customerId: C1,
      completedAt: '2026-06-09T01:00:00.000Z',
      outcome: { followUps: 1, accesses: 3 },
    },
    by('dpo', '2026-06-09T01:00:00.000Z'),
    'PrivacyRequest-pr-2',
  ),
  recorded(
    'CustomerErased',
    { customerId: C1, requestId: 'pr-3', erasedAt: '2026-06-10T00:00:00.000Z', actorId: 'dpo' },
    by('dpo', '2026-06-10T00:00:00.000Z'),
  ),
];

describe(AccessTimelineSearch.name, () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let sut: AccessTimelineSearch;

  const apply = (events: readonly RecordedEvent[]): Promise<void> =>
    dataSource.transaction(async (manager) => {
      for (const event of events) await accessTimelineProjection.apply(event, manager);
    });
  const kindsOf = (entries: readonly AuditTimelineEntry[]): string[] =>
    entries.map((entry) => entry.kind);

  beforeAll(async () => {
    database = await createTestDatabase('access-timeline-search');
    dataSource = createReadStoreDataSource({
      url: database.url,
      applicationName: 'custodia-access-timeline-search-test',
      entities: [...readStoreEntities],
      migrations: [...readStoreMigrations, ...accessTimelineMigrations],
    });
    await dataSource.initialize();
    await dataSource.runMigrations();
    sut = new AccessTimelineSearch(dataSource);
    await apply(history);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('records every change by field name and id, once however often it is replayed', async () => {
    const count = async () =>
      (await dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM access_timeline`))[0]
        ?.n;
    // 11 events that change or access a customer (one view of two customers: 2 rows); the
    // access copy's completion changes nothing.
    expect(await count()).toBe(12);
    await apply(history);
    expect(await count()).toBe(12);
    const page = await sut.page({ customerId: C1 }, { limit: 50 });
    expect(kindsOf(page.entries)).toEqual([
      'erased',
      'corrected',
      'consent_withdrawn',
      'owner_changed',
      'follow_up_logged',
      'updated',
      'denied',
      'revealed',
      'viewed',
      'registered',
      'consent_granted',
    ]);
    const entry = (kind: string) => page.entries.find((found) => found.kind === kind);
    expect(entry('registered')).toMatchObject({
      category: 'change',
      actorId: 'rep.a',
      fields: [
        { field: 'name', change: 'set' },
        { field: 'phone', change: 'set' },
        { field: 'company', change: 'set' },
      ],
      detail: { ownerId: 'rep.a', team: 'east' },
      actorRoles: null,
      route: null,
    });
    expect(entry('updated')?.fields).toEqual([
      { field: 'email', change: 'set' },
      { field: 'company', change: 'removed' },
    ]);
    expect(entry('follow_up_logged')).toMatchObject({
      purpose: 'sales_followup',
      fields: [
        { field: 'followUpNotes', change: 'set' },
        { field: 'orderStatus', change: 'set' },
      ],
      detail: { channel: 'call' },
    });
    expect(entry('owner_changed')).toMatchObject({
      actorId: 'mgr.east',
      detail: { previousOwnerId: 'rep.a', ownerId: 'rep.c', previousTeam: 'east', team: 'north' },
    });
    expect(entry('consent_granted')).toMatchObject({
      purpose: 'sales_followup',
      // When it was recorded, not the (earlier) time the customer says they consented.
      occurredAt: '2026-05-31T23:59:59.000Z',
      detail: { lawfulBasis: 'consent', channel: 'web', separate: false },
    });
    expect(entry('consent_withdrawn')).toMatchObject({
      actorId: 'rep.c',
      detail: { channel: 'phone' },
    });
    expect(entry('corrected')).toMatchObject({
      actorId: 'dpo',
      requestId: 'pr-1',
      fields: [
        { field: 'phone', change: 'set' },
        { field: 'name', change: 'set' },
      ],
    });
    expect(entry('erased')).toMatchObject({ detail: { requestId: 'pr-3' } });
    expect(entry('revealed')).toMatchObject({
      category: 'access',
      actorRoles: ['sales'],
      fields: [{ field: 'phone', view: 'full' }],
      denialReason: null,
    });
    expect(entry('denied')).toMatchObject({ actorId: 'rep.b', denialReason: 'OUT_OF_SCOPE' });
  });

  it('never stores a personal value', async () => {
    const [dump] = await dataSource.query<{ text: string }[]>(
      `SELECT string_agg(t::text, ' ') AS text FROM access_timeline t`,
    );
    expect(dump?.text).toContain(C1);
    expect(dump?.text).not.toContain('CANARY');
    expect(dump?.text).not.toContain('13912345678');
  });

  it('filters by actor, purpose, kind and time (from inclusive, to exclusive), combined', async () => {
    expect(kindsOf((await sut.page({ actorId: 'rep.a' }, { limit: 50 })).entries)).toEqual([
      'follow_up_logged',
      'updated',
      'revealed',
      'viewed',
      'viewed',
      'registered',
      'consent_granted',
    ]);
    const purpose = await sut.page({ customerId: C1, purpose: 'sales_followup' }, { limit: 50 });
    expect(kindsOf(purpose.entries)).toEqual([
      'consent_withdrawn',
      'follow_up_logged',
      'denied',
      'revealed',
      'viewed',
      'consent_granted',
    ]);
    const window = await sut.page(
      {
        customerId: C1,
        from: new Date('2026-06-03T00:00:00.000Z'),
        to: new Date('2026-06-07T00:00:00.000Z'),
      },
      { limit: 50 },
    );
    expect(kindsOf(window.entries)).toEqual(['follow_up_logged', 'updated', 'denied', 'revealed']);
    const kinds = await sut.page(
      { kinds: ['owner_changed', 'consent_withdrawn', 'denied'] },
      { limit: 50 },
    );
    expect(kindsOf(kinds.entries)).toEqual(['consent_withdrawn', 'owner_changed', 'denied']);
    expect((await sut.page({ customerId: C2 }, { limit: 50 })).entries).toHaveLength(1);
  });

  it('pages without gaps or repeats, and streams the same entries', async () => {
    const paged: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await sut.page({}, { limit: 5, ...(cursor === undefined ? {} : { cursor }) });
      paged.push(...page.entries.map((entry) => `${entry.eventId}/${entry.customerId}`));
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    expect(paged).toHaveLength(12);
    expect(new Set(paged).size).toBe(12);
    const streamed: string[] = [];
    for await (const entry of sut.stream({})) streamed.push(`${entry.eventId}/${entry.customerId}`);
    expect(streamed).toEqual(paged);
  });

  it('refuses a cursor it did not issue, an unknown kind and a limit out of range', async () => {
    const codes = await Promise.all(
      [
        (): Promise<unknown> => sut.page({}, { limit: 10, cursor: 'bm90LWEtY3Vyc29y' }),
        () => sut.page({ kinds: ['looked' as 'viewed'] }, { limit: 10 }),
        () => sut.page({}, { limit: 501 }),
        () => sut.stream({}, 'garbled').next(),
      ].map((attempt) =>
        Promise.resolve()
          .then(attempt)
          .then(
            () => 'none',
            (error: AccessQueryError) => `${error.code} ${error.parameter}`,
          ),
      ),
    );
    expect(codes).toEqual([
      'ACCESS.INVALID_CURSOR cursor',
      'ACCESS.INVALID_FILTER kind',
      'ACCESS.INVALID_FILTER limit',
      'ACCESS.INVALID_CURSOR cursor',
    ]);
  });

  it('keeps the access-only reads as they were: no change in byCustomer or the report', async () => {
    const queries = new AccessTimelineQueries(dataSource);
    const page = await queries.byCustomer(C1, { limit: 50 });
    expect(page.entries.map((entry) => entry.kind)).toEqual(['denied', 'revealed', 'viewed']);
    const report = await queries.accessReport('rep.a');
    expect(report).toMatchObject({ views: 1, firstAt: '2026-06-02T00:00:00.000Z' });
  });

  it('says who viewed or revealed a customer up to a time', async () => {
    expect(await sut.actualAccesses(C1, new Date('2026-06-02T12:00:00.000Z'))).toEqual([
      {
        actorId: 'rep.a',
        kind: 'viewed',
        purpose: 'sales_followup',
        count: 1,
        fields: [
          { field: 'name', view: 'masked' },
          { field: 'phone', view: 'masked' },
        ],
        firstAt: '2026-06-02T00:00:00.000Z',
        lastAt: '2026-06-02T00:00:00.000Z',
      },
    ]);
    const later = await sut.actualAccesses(C1, new Date('2026-07-01T00:00:00.000Z'));
    expect(later.map((access) => `${access.actorId} ${access.kind}`)).toEqual([
      'rep.a revealed',
      'rep.a viewed',
    ]);
  });
});
