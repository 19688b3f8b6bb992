import { randomBytes, randomUUID } from 'node:crypto';
import { ERASED } from '@custodia/crypto-shredding';
import type { RecordedEvent } from '@custodia/event-store';
import { createTestDatabase, type TestDatabase } from '@custodia/testing';
import type { DataSource } from 'typeorm';
import {
  applyEvents,
  consentGranted,
  databaseText,
  followUpLogged,
  openAccessDataSource,
  ownerChanged,
  recorded,
  registered,
} from './access-read-models.fixtures';
import { accessProjections } from './access.projections';
import { BlindIndex } from './blind-index';
import { PostgresCustomerViews } from './postgres-customer-views';

const erased = (customerId: string, erasedAt = '2026-07-01T00:00:00.000Z'): RecordedEvent =>
  recorded('CustomerErased', {
    customerId,
    requestId: randomUUID(),
    keyId: randomUUID(),
    erasedAt,
    actorId: 'dpo-1',
  });

/** The events of a customer as a rebuild after the erasure reads them: every sealed value erased. */
const asReplayedAfterErasure = (event: RecordedEvent): RecordedEvent => {
  const data = { ...event.data };
  for (const field of ['name', 'phone', 'email', 'wechat', 'address', 'idNumber', 'income']) {
    if (field in data) data[field] = ERASED;
  }
  for (const field of ['summary', 'nextStep']) if (field in data) data[field] = ERASED;
  return { ...event, data };
};

describe('access read models and CustomerErased', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  const blindIndex = new BlindIndex(randomBytes(32));
  const projections = accessProjections(blindIndex);
  let views: PostgresCustomerViews;
  const ALL = { scope: { kind: 'all' } } as const;

  const historyOf = (
    customerId: string,
    phone: string,
    email: string,
    { name = '欧阳娜娜', company = '擦除科技' } = {},
  ): RecordedEvent[] => [
    registered(customerId, {
      name,
      phone,
      email,
      wechat: 'wx_erase_me',
      idNumber: '110101199003071234',
      income: 345678,
      company,
      registeredAt: '2026-05-03T00:00:00.000Z',
    }),
    consentGranted(customerId, 'sales_followup', '2026-05-03T00:00:00.000Z'),
    followUpLogged(customerId, {
      occurredAt: '2026-06-01T08:00:00.000Z',
      nextStep: 'call again',
      nextFollowUpAt: '2026-06-08T08:00:00.000Z',
      orderStatus: 'quoted',
      channel: 'visit',
    }),
  ];

  beforeAll(async () => {
    database = await createTestDatabase('access-erasure');
    dataSource = await openAccessDataSource(database.url);
    views = new PostgresCustomerViews(dataSource, blindIndex);
  });

  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  const rowsOf = async (table: string, customerId: string): Promise<number> => {
    const [{ count }]: { count: string }[] = await dataSource.query(
      `SELECT count(*) AS count FROM ${table} WHERE customer_id = $1`,
      [customerId],
    );
    return Number(count);
  };

  it('keeps a tombstone in the directory and deletes every masked value and index', async () => {
    const customerId = randomUUID();
    const keptId = randomUUID();
    const phone = '13712345678';
    const email = 'ouyang.erase@example.com';
    await applyEvents(dataSource, projections, historyOf(customerId, phone, email));
    await applyEvents(
      dataSource,
      projections,
      historyOf(keptId, '13698765432', 'kept@example.com', { name: '李雷', company: '保留公司' }),
    );
    const before = await databaseText(dataSource);
    expect(before).toContain('137****5678');
    expect(before).toContain('欧***');
    expect(before).toContain('o***@example.com');
    expect(before).toContain('擦除科技');
    expect(before).toContain(blindIndex.phone(phone).toString('hex'));

    await applyEvents(dataSource, projections, [erased(customerId)]);

    const tombstone = await views.directoryEntry(customerId);
    expect(tombstone).toMatchObject({
      customerId,
      ownerId: 'rep-1',
      team: 'east',
      masked: {},
      company: null,
      activeBases: [],
      nextFollowUpAt: null,
      erased: true,
      erasedAt: '2026-07-01T00:00:00.000Z',
    });
    const raw: Record<string, unknown>[] = await dataSource.query(
      `SELECT phone_bidx, email_bidx FROM access_customer_directory WHERE customer_id = $1`,
      [customerId],
    );
    expect(raw).toEqual([{ phone_bidx: null, email_bidx: null }]);
    expect(await rowsOf('access_customer_consents', customerId)).toBe(0);
    expect(await rowsOf('access_customer_finance', customerId)).toBe(0);
    expect(await rowsOf('access_statistics_owners', customerId)).toBe(0);
    const followUps = await views.followUpsOf(customerId, undefined, 10);
    expect(followUps.items).toHaveLength(1);
    expect(followUps.items[0]).toMatchObject({ hasSummary: false, hasNextStep: false });

    const after = await databaseText(dataSource);
    for (const gone of [
      '137****5678',
      '欧***',
      'o***@example.com',
      '擦除科技',
      blindIndex.phone(phone).toString('hex'),
      blindIndex.email(email).toString('hex'),
    ]) {
      expect(after).not.toContain(gone);
    }
    // The other customer is untouched.
    expect(await views.directoryEntry(keptId)).toMatchObject({
      erased: false,
      masked: { phone: '136****5432' },
      company: '保留公司',
    });
    expect(await rowsOf('access_customer_consents', keptId)).toBe(1);
    expect(await rowsOf('access_customer_finance', keptId)).toBe(1);
  });

  it('never lists an erased customer, whatever the filter or scope', async () => {
    const customerId = randomUUID();
    const phone = '13512345678';
    await applyEvents(dataSource, projections, [
      ...historyOf(customerId, phone, 'list.erase@example.com'),
    ]);
    const listed = async () => {
      const pages = await Promise.all([
        views.listDirectory(ALL, undefined, 100),
        views.listDirectory(
          { scope: { kind: 'some', ownerIds: ['rep-1'], teams: ['east'] } },
          undefined,
          100,
        ),
        views.listDirectory({ ...ALL, coveringPurpose: 'sales_followup' }, undefined, 100),
      ]);
      return pages.map((page) => page.items.some((row) => row.customerId === customerId));
    };
    expect(await listed()).toEqual([true, true, true]);
    await applyEvents(dataSource, projections, [erased(customerId)]);
    expect(await listed()).toEqual([false, false, false]);
    expect((await views.listDirectory({ ...ALL, phone }, undefined, 10)).items).toEqual([]);
  });

  it('rebuilds an erased customer as erased from events that now read as erased', async () => {
    const customerId = randomUUID();
    const history = historyOf(customerId, '13312345678', 'rebuild.erase@example.com');
    for (const projection of projections) {
      await dataSource.transaction((manager) => projection.reset(manager));
    }
    await applyEvents(dataSource, projections, [
      ...history.map(asReplayedAfterErasure),
      erased(customerId),
    ]);
    expect(await views.directoryEntry(customerId)).toMatchObject({
      erased: true,
      masked: {},
      company: null,
    });
    expect(await rowsOf('access_customer_consents', customerId)).toBe(0);
    expect(await databaseText(dataSource)).not.toContain('133****5678');
  });

  it('counts registrations and follow-ups per owner, month, channel and purpose, erasure or not', async () => {
    for (const projection of projections) {
      await dataSource.transaction((manager) => projection.reset(manager));
    }
    const first = randomUUID();
    const second = randomUUID();
    await applyEvents(dataSource, projections, [
      ...historyOf(first, '13112345678', 'stats.one@example.com'),
      ...historyOf(second, '13212345678', 'stats.two@example.com'),
      ownerChanged(second, 'rep-2', 'west'),
      followUpLogged(second, { occurredAt: '2026-06-20T08:00:00.000Z', channel: 'call' }),
    ]);
    const statistics = () =>
      dataSource.query(
        `SELECT owner_id, month, channel, purpose, customers_registered, follow_ups_logged
           FROM access_customer_statistics ORDER BY owner_id, channel`,
      );
    const expected = [
      {
        owner_id: 'rep-1',
        month: '2026-05',
        channel: '*',
        purpose: '*',
        customers_registered: 2,
        follow_ups_logged: 0,
      },
      {
        owner_id: 'rep-1',
        month: '2026-06',
        channel: 'visit',
        purpose: 'sales_followup',
        customers_registered: 0,
        follow_ups_logged: 2,
      },
      {
        owner_id: 'rep-2',
        month: '2026-06',
        channel: 'call',
        purpose: 'sales_followup',
        customers_registered: 0,
        follow_ups_logged: 1,
      },
    ];
    expect(await statistics()).toEqual(expected);
    await applyEvents(dataSource, projections, [erased(first), erased(second)]);
    expect(await statistics()).toEqual(expected);
    const columns: { column_name: string }[] = await dataSource.query(
      `SELECT column_name FROM information_schema.columns
        WHERE table_name = 'access_customer_statistics'`,
    );
    expect(columns.map((column) => column.column_name)).not.toContain('customer_id');
  });
});
