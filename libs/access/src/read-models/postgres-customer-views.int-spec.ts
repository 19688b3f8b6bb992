import { randomBytes, randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@custodia/testing';
import type { DataSource } from 'typeorm';
import { AccessQueryError } from './access-query.errors';
import {
  applyEvents,
  consentGranted,
  followUpLogged,
  openAccessDataSource,
  registered,
} from './access-read-models.fixtures';
import { accessProjections } from './access.projections';
import { BlindIndex } from './blind-index';
import type { DirectoryFilter, DirectoryRow, Page } from './customer-views';
import { PostgresCustomerViews } from './postgres-customer-views';
import { preparedQueries } from './prepared-queries';

const OWNERS = ['rep-1', 'rep-2', 'rep-3'];
const TEAMS = ['east', 'west'];
const ALL: DirectoryFilter = { scope: { kind: 'all' } };

describe(PostgresCustomerViews.name, () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let sut: PostgresCustomerViews;
  const blindIndex = new BlindIndex(randomBytes(32));
  // 25 customers: owner i % 3, team i % 2, next follow-up on 1 + i / 2 July (two a day, so
  // lists in date order have ties); customer 0 has the searchable phone and e-mail.
  const customers = Array.from({ length: 25 }, (_, i) => ({
    customerId: randomUUID(),
    ownerId: OWNERS[i % 3],
    team: TEAMS[i % 2],
    nextFollowUpAt: `2026-07-${String(Math.floor(i / 2) + 1).padStart(2, '0')}T09:00:00.000Z`,
  }));
  const [searched] = customers;
  const idsWhere = (keep: (c: (typeof customers)[number]) => boolean): string[] =>
    customers
      .filter(keep)
      .map((c) => c.customerId)
      .sort();
  const ids = (page: Page<DirectoryRow>) => page.items.map((row) => row.customerId);
  /** Customers in a next follow-up window, in date order, ties by id. */
  const inWindow = (from: string, to: string, keep: (c: (typeof customers)[number]) => boolean) =>
    customers
      .filter((c) => c.nextFollowUpAt >= from && c.nextFollowUpAt <= to && keep(c))
      .sort(
        (a, b) =>
          a.nextFollowUpAt.localeCompare(b.nextFollowUpAt) ||
          (a.customerId < b.customerId ? -1 : 1),
      )
      .map((c) => c.customerId);

  /** Every page of a list, following nextCursor. */
  const allPages = async (filter: DirectoryFilter, limit: number) => {
    const pages: Page<DirectoryRow>[] = [];
    let cursor: string | undefined;
    do {
      const page = await sut.listDirectory(filter, cursor, limit);
      pages.push(page);
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined && pages.length < 50);
    return pages;
  };

  beforeAll(async () => {
    database = await createTestDatabase('access-views');
    dataSource = await openAccessDataSource(database.url);
    sut = new PostgresCustomerViews(dataSource, blindIndex);
    await applyEvents(
      dataSource,
      accessProjections(blindIndex),
      customers.flatMap(({ customerId, ownerId, team, nextFollowUpAt }, i) => [
        registered(customerId, {
          ownerId,
          team,
          phone: i === 0 ? '13812345678' : `139${String(i).padStart(8, '0')}`,
          ...(i === 0 ? { email: 'Zhang.Wei@Example.com', company: '金地科技' } : {}),
        }),
        consentGranted(customerId, 'sales_followup', '2026-01-02T00:00:00.000Z'),
        ...(i % 5 === 1
          ? [consentGranted(customerId, 'marketing', '2026-01-03T00:00:00.000Z')]
          : []),
        followUpLogged(customerId, { occurredAt: '2026-06-01T08:00:00.000Z', nextFollowUpAt }),
      ]),
    );
  });

  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  it('pages through the directory by customer id with an opaque cursor', async () => {
    const pages = await allPages(ALL, 10);
    expect(pages.map((page) => page.items.length)).toEqual([10, 10, 5]);
    expect(pages.map((page) => page.nextCursor === null)).toEqual([false, false, true]);
    expect(pages.flatMap(ids)).toEqual(idsWhere(() => true));
    expect(pages[0].nextCursor).not.toContain(pages[0].items[9].customerId);
  });

  it('returns masked rows with bases and follow-up dates', async () => {
    const row = await sut.directoryEntry(searched.customerId);
    expect(row).toEqual({
      customerId: searched.customerId,
      ownerId: 'rep-1',
      team: 'east',
      masked: { name: '张*', phone: '138****5678', email: 'Z***@Example.com' },
      company: '金地科技',
      activeBases: [{ purpose: 'sales_followup', lawfulBasis: 'consent', separate: false }],
      lastFollowUpAt: '2026-06-01T08:00:00.000Z',
      nextFollowUpAt: searched.nextFollowUpAt,
      registeredAt: '2026-01-02T03:04:05.000Z',
      updatedAt: expect.any(String) as string,
      erased: false,
      erasedAt: null,
    });
    expect(await sut.directoryEntry(randomUUID())).toBeUndefined();
    expect(await sut.directoryEntry('not-a-uuid')).toBeUndefined();
  });

  it('applies the scope first: some owners, some teams, both, all, none', async () => {
    const list = async (filter: DirectoryFilter) => (await allPages(filter, 100)).flatMap(ids);
    const some = (ownerIds: string[], teams: string[]): DirectoryFilter => ({
      scope: { kind: 'some', ownerIds, teams },
    });
    expect(await list(some(['rep-2'], []))).toEqual(idsWhere((c) => c.ownerId === 'rep-2'));
    expect(await list(some([], ['west']))).toEqual(idsWhere((c) => c.team === 'west'));
    expect(await list(some(['rep-3'], ['east']))).toEqual(
      idsWhere((c) => c.ownerId === 'rep-3' || c.team === 'east'),
    );
    expect(await list(some([], []))).toEqual([]);
    expect(await list({ scope: { kind: 'none' } })).toEqual([]);
    expect(await list(ALL)).toHaveLength(25);
    // Filters narrow the scope, never widen it.
    expect(await list({ ...some(['rep-2'], []), team: 'east' })).toEqual(
      idsWhere((c) => c.ownerId === 'rep-2' && c.team === 'east'),
    );
    expect(await list({ ...some(['rep-2'], []), ownerId: 'rep-1' })).toEqual([]);
  });

  it('finds a customer by phone in another format and by e-mail in another case', async () => {
    const byPhone = await sut.listDirectory({ ...ALL, phone: '+86 138 1234 5678' }, undefined, 10);
    expect(ids(byPhone)).toEqual([searched.customerId]);
    const byEmail = await sut.listDirectory(
      { ...ALL, email: ' zhang.wei@example.COM' },
      undefined,
      10,
    );
    expect(ids(byEmail)).toEqual([searched.customerId]);
    const outOfScope = await sut.listDirectory(
      { scope: { kind: 'some', ownerIds: ['rep-2'], teams: [] }, phone: '13812345678' },
      undefined,
      10,
    );
    expect(outOfScope.items).toEqual([]);
  });

  it('filters on the next follow-up date range, inclusive, in date order with ties by id', async () => {
    const page = await sut.listDirectory(
      {
        ...ALL,
        nextFollowUpFrom: '2026-07-03T09:00:00.000Z',
        nextFollowUpTo: '2026-07-05T09:00:00Z',
      },
      undefined,
      100,
    );
    const expected = inWindow('2026-07-03T09:00:00.000Z', '2026-07-05T09:00:00.000Z', () => true);
    expect(expected).toHaveLength(6);
    expect(ids(page)).toEqual(expected);
    await expect(
      sut.listDirectory({ ...ALL, nextFollowUpFrom: 'next tuesday' }, undefined, 10),
    ).rejects.toMatchObject({ code: 'ACCESS.INVALID_FILTER', parameter: 'nextFollowUpFrom' });
  });

  it('pages through a next follow-up window by date with a date cursor, in every scope', async () => {
    const from = '2026-07-02T09:00:00.000Z';
    const to = '2026-07-12T09:00:00.000Z';
    const some = (ownerIds: string[], teams: string[]) =>
      ({ scope: { kind: 'some', ownerIds, teams } }) as const;
    const cases: [DirectoryFilter, string[]][] = [
      [ALL, inWindow(from, to, () => true)],
      [some(['rep-2'], []), inWindow(from, to, (c) => c.ownerId === 'rep-2')],
      [
        some(['rep-3'], ['east']),
        inWindow(from, to, (c) => c.ownerId === 'rep-3' || c.team === 'east'),
      ],
    ];
    for (const [scope, expected] of cases) {
      // Pages of 3 split the pairs of customers that share a date.
      const pages = await allPages({ ...scope, nextFollowUpFrom: from, nextFollowUpTo: to }, 3);
      expect(pages.flatMap(ids)).toEqual(expected);
      expect(pages.at(-1)?.nextCursor).toBeNull();
      expect(pages.slice(0, -1).every((page) => page.items.length === 3)).toBe(true);
    }
    // Only a lower bound: the rest of the dates, still in date order.
    const open = (await allPages({ ...ALL, nextFollowUpFrom: from }, 4)).flatMap(ids);
    expect(open).toEqual(inWindow(from, '9999', () => true));
  });

  it('orders a date window by the exact instant, not by its text to the millisecond', async () => {
    // Two customers of the same day; the one with the larger id gets the earlier microsecond.
    const [early, late] = [customers[20], customers[21]].sort((a, b) =>
      a.customerId > b.customerId ? -1 : 1,
    );
    const at = (micros: string, id: string) =>
      dataSource.query(
        `UPDATE access_customer_directory SET next_follow_up_at = $1 WHERE customer_id = $2`,
        [`2026-07-11T09:00:00.000${micros}Z`, id],
      );
    await at('100', early.customerId);
    await at('900', late.customerId);
    try {
      const window = {
        nextFollowUpFrom: '2026-07-11T00:00:00.000Z',
        nextFollowUpTo: '2026-07-11T23:59:59.999Z',
      };
      for (const scope of [ALL, { scope: { kind: 'some', ownerIds: [], teams: TEAMS } } as const]) {
        const pages = await allPages({ ...scope, ...window }, 1);
        expect(pages.flatMap(ids)).toEqual([early.customerId, late.customerId]);
      }
    } finally {
      await at('000', early.customerId);
      await at('000', late.customerId);
    }
  });

  it('refuses a cursor of the other order, or a garbled date cursor, naming the cursor', async () => {
    const window: DirectoryFilter = { ...ALL, nextFollowUpFrom: '2026-07-01T00:00:00.000Z' };
    const byId = await sut.listDirectory(ALL, undefined, 2);
    const byDate = await sut.listDirectory(window, undefined, 2);
    const encode = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
    const id = customers[3].customerId;
    const refused: [DirectoryFilter, string | null][] = [
      // A cursor issued before date windows were listed in date order: an id.
      [window, byId.nextCursor],
      [ALL, byDate.nextCursor],
      [window, encode(`d.12x.${id}`)],
      [window, encode(`d.1782896400000000.not-a-uuid`)],
      [window, encode(`d.1782896400000000.${id}.extra`)],
      [window, encode(`x.1782896400000000.${id}`)],
      [window, '%%%'],
    ];
    for (const [filter, cursor] of refused) {
      expect(cursor).not.toBeNull();
      const attempt = sut.listDirectory(filter, cursor ?? '', 10);
      await expect(attempt).rejects.toBeInstanceOf(AccessQueryError);
      await expect(attempt).rejects.toMatchObject({
        code: 'ACCESS.INVALID_CURSOR',
        parameter: 'cursor',
      });
    }
    // A well-formed date cursor resumes after its position.
    const resumed = await sut.listDirectory(window, encode(`d.0.${id}`), 100);
    expect(ids(resumed)).toEqual(inWindow(window.nextFollowUpFrom ?? '', '9999', () => true));
  });

  it('lists only customers whose active bases cover a purpose, when asked', async () => {
    const covering = async (purpose: string) =>
      (await allPages({ ...ALL, coveringPurpose: purpose }, 100)).flatMap(ids);
    expect(await covering('sales_followup')).toEqual(idsWhere(() => true));
    const marketing = customers.filter((_, i) => i % 5 === 1).map((c) => c.customerId);
    expect(await covering('marketing')).toEqual([...marketing].sort());
    expect(await covering('credit_assessment')).toEqual([]);
  });

  it('answers the same through named prepared statements on the pool', async () => {
    const prepared = new PostgresCustomerViews(preparedQueries(dataSource), blindIndex);
    const filter: DirectoryFilter = {
      scope: { kind: 'some', ownerIds: ['rep-1'], teams: ['west'] },
    };
    for (let round = 0; round < 2; round += 1) {
      // The second round runs the statements already prepared on the connection.
      expect(await prepared.listDirectory(filter, undefined, 7)).toEqual(
        await sut.listDirectory(filter, undefined, 7),
      );
      const window = { ...filter, nextFollowUpFrom: '2026-07-03T00:00:00.000Z' };
      const page = await prepared.listDirectory(window, undefined, 3);
      expect(page).toEqual(await sut.listDirectory(window, undefined, 3));
      expect(await prepared.listDirectory(window, page.nextCursor ?? '', 3)).toEqual(
        await sut.listDirectory(window, page.nextCursor ?? '', 3),
      );
      expect(await prepared.directoryEntry(searched.customerId)).toEqual(
        await sut.directoryEntry(searched.customerId),
      );
    }
  });

  it('lists next follow-up windows through unnamed statements, planned for their dates', async () => {
    // A named statement settles on a generic plan after five executions; for a date window that
    // plan reads and sorts the whole window (docs/plans/customer-directory.md).
    const queries = preparedQueries(dataSource);
    const named: string[] = [];
    const routed = new PostgresCustomerViews(
      {
        query: <T>(text: string, values?: unknown[]): Promise<T> => {
          named.push(text);
          return queries.query<T>(text, values);
        },
      },
      blindIndex,
      queries.customPlan,
    );
    const window: DirectoryFilter = {
      scope: { kind: 'some', ownerIds: ['rep-1'], teams: ['west'] },
      nextFollowUpFrom: '2026-07-03T00:00:00.000Z',
      nextFollowUpTo: '2026-07-10T00:00:00.000Z',
    };
    for (let round = 0; round < 7; round += 1) {
      expect(await routed.listDirectory(window, undefined, 4)).toEqual(
        await sut.listDirectory(window, undefined, 4),
      );
    }
    expect(named).toEqual([]);
    await routed.listDirectory(
      { ...window, nextFollowUpFrom: undefined, nextFollowUpTo: undefined },
      undefined,
      4,
    );
    expect(named).toHaveLength(1);
  });

  it('rejects a malformed cursor with a typed error naming the cursor', async () => {
    for (const cursor of ['%%%', Buffer.from('not-a-uuid').toString('base64url'), '']) {
      const attempt = sut.listDirectory(ALL, cursor, 10);
      await expect(attempt).rejects.toBeInstanceOf(AccessQueryError);
      await expect(attempt).rejects.toMatchObject({
        code: 'ACCESS.INVALID_CURSOR',
        parameter: 'cursor',
      });
    }
  });

  it('clamps the limit to 1..100', async () => {
    expect((await sut.listDirectory(ALL, undefined, 0)).items).toHaveLength(1);
    expect((await sut.listDirectory(ALL, undefined, -5)).items).toHaveLength(1);
    expect((await sut.listDirectory(ALL, undefined, 1000)).items).toHaveLength(25);
  });

  it('lists follow-ups newest first, paged with a cursor, ties broken by id', async () => {
    const customerId = randomUUID();
    const times = ['2026-05-01', '2026-05-03', '2026-05-02', '2026-05-03', '2026-05-04'];
    const events = times.map((day, i) =>
      followUpLogged(customerId, {
        occurredAt: `${day}T10:00:00.000Z`,
        products: i === 4 ? ['annual-plan'] : undefined,
        quote: i === 4 ? { amount: 9900, currency: 'CNY' } : undefined,
        orderStatus: i === 4 ? 'quoted' : undefined,
        nextStep: i === 4 ? '寄合同' : undefined,
      }),
    );
    await applyEvents(dataSource, accessProjections(blindIndex), [
      registered(customerId, { company: '华南贸易' }),
      ...events,
    ]);

    const pages: Page<Awaited<ReturnType<typeof sut.followUpsOf>>['items'][number]>[] = [];
    let cursor: string | undefined;
    do {
      const page = await sut.followUpsOf(customerId, cursor, 2);
      pages.push(page);
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined && pages.length < 10);

    expect(pages.map((page) => page.items.length)).toEqual([2, 2, 1]);
    const rows = pages.flatMap((page) => page.items);
    const expected = events
      .map((event) => ({
        id: event.data.followUpId as string,
        at: event.data.occurredAt as string,
      }))
      .sort((a, b) => b.at.localeCompare(a.at) || b.id.localeCompare(a.id))
      .map((entry) => entry.id);
    expect(rows.map((row) => row.followUpId)).toEqual(expected);
    expect(rows[0]).toEqual({
      followUpId: events[4].data.followUpId,
      customerId,
      purpose: 'sales_followup',
      channel: 'call',
      occurredAt: '2026-05-04T10:00:00.000Z',
      recordedAt: '2026-05-04T10:00:00.000Z',
      nextFollowUpAt: null,
      products: ['annual-plan'],
      quote: { amount: 9900, currency: 'CNY' },
      orderStatus: 'quoted',
      actorId: 'rep-1',
      eventId: events[4].id,
      hasSummary: true,
      hasNextStep: true,
    });
    await expect(
      sut.followUpsOf(customerId, Buffer.from('x.y').toString('base64url'), 2),
    ).rejects.toMatchObject({ code: 'ACCESS.INVALID_CURSOR', parameter: 'cursor' });

    expect(await sut.financeOf(customerId)).toEqual({
      customerId,
      ownerId: 'rep-1',
      team: 'east',
      company: '华南贸易',
      products: ['annual-plan'],
      quote: { amount: 9900, currency: 'CNY' },
      orderStatus: 'quoted',
      updatedAt: expect.any(String) as string,
    });
    expect(await sut.financeOf(randomUUID())).toBeUndefined();
  });

  it('lists the consents of a customer', async () => {
    expect(await sut.consentsOf(searched.customerId)).toEqual([
      {
        purpose: 'sales_followup',
        lawfulBasis: 'consent',
        status: 'active',
        separate: false,
        noticeVersion: 'v3',
        channel: 'web',
        since: '2026-01-02T00:00:00.000Z',
        until: null,
      },
    ]);
    expect(await sut.consentsOf(randomUUID())).toEqual([]);
  });
});
