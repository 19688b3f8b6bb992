import { randomBytes, randomUUID } from 'node:crypto';
import { ERASED } from '@custodia/crypto-shredding';
import { createTestDatabase, type TestDatabase } from '@custodia/testing';
import type { DataSource } from 'typeorm';
import {
  applyEvents,
  basisEnded,
  basisRecorded,
  consentGranted,
  consentWithdrawn,
  databaseText,
  followUpLogged,
  openAccessDataSource,
  ownerChanged,
  profileUpdated,
  registered,
} from './access-read-models.fixtures';
import { accessProjections } from './access.projections';
import { BlindIndex } from './blind-index';

// Unique values that must never reach any table in full.
const CANARY = {
  name: '司马甄嬛',
  phone: '13812345678',
  email: 'canary.zhen@example.com',
  wechat: 'canary_wx_2026',
  address: '北京市朝阳区建国路88号金地大厦',
  idNumber: '110101199003071234',
  income: 234567,
  summary: 'CANARY-SUMMARY 客户说她下月搬家',
  nextStep: 'CANARY-NEXT-STEP 寄样品到新家',
};

describe('access projections', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  const blindIndex = new BlindIndex(randomBytes(32));
  const sut = accessProjections(blindIndex);
  const apply = (...events: Parameters<typeof applyEvents>[2]) =>
    applyEvents(dataSource, sut, events);

  const directory = async (customerId: string) =>
    (
      await dataSource.query(`SELECT * FROM access_customer_directory WHERE customer_id = $1`, [
        customerId,
      ])
    )[0] as Record<string, unknown> | undefined;
  const consents = (customerId: string): Promise<Record<string, unknown>[]> =>
    dataSource.query(
      `SELECT purpose, lawful_basis, status, separate, channel, since, until
         FROM access_customer_consents WHERE customer_id = $1 ORDER BY purpose`,
      [customerId],
    );

  beforeAll(async () => {
    database = await createTestDatabase('access-projections');
    dataSource = await openAccessDataSource(database.url);
  });

  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  it('stores masked forms and blind indexes, and no full personal value anywhere', async () => {
    const customerId = randomUUID();
    const { summary, nextStep, ...profile } = CANARY;
    await apply(
      registered(customerId, { ...profile, company: '金地科技' }),
      followUpLogged(customerId, {
        occurredAt: '2026-06-01T08:00:00.000Z',
        summary,
        nextStep,
        nextFollowUpAt: '2026-06-08T08:00:00.000Z',
      }),
    );

    expect(await directory(customerId)).toMatchObject({
      name_masked: '司***',
      phone_masked: '138****5678',
      email_masked: 'c***@example.com',
      wechat_masked: 'ca************',
      address_masked: '北京市朝阳区***',
      id_number_masked: '110101********1234',
      income_band: '100k–300k',
      company: '金地科技',
      phone_bidx: blindIndex.phone(CANARY.phone),
      email_bidx: blindIndex.email(CANARY.email),
    });
    const text = await databaseText(dataSource);
    expect(text).toContain('138****5678'); // the scan does see the read models
    for (const [field, value] of Object.entries(CANARY)) {
      expect({ field, found: text.includes(String(value)) }).toEqual({ field, found: false });
    }
    const [followUp]: Record<string, unknown>[] = await dataSource.query(
      `SELECT * FROM access_follow_ups WHERE customer_id = $1`,
      [customerId],
    );
    expect(followUp).toMatchObject({ has_summary: true, has_next_step: true });
    expect(Object.keys(followUp)).not.toContain('summary');
  });

  it('stores NULL for values whose key was destroyed (erased)', async () => {
    const customerId = randomUUID();
    await apply(
      registered(customerId, {
        name: ERASED,
        phone: ERASED,
        email: ERASED,
        wechat: ERASED,
        address: ERASED,
        idNumber: ERASED,
        income: ERASED,
      }),
      followUpLogged(customerId, {
        occurredAt: '2026-06-01T08:00:00.000Z',
        summary: ERASED,
        nextStep: ERASED,
      }),
    );
    expect(await directory(customerId)).toMatchObject({
      name_masked: null,
      phone_masked: null,
      email_masked: null,
      wechat_masked: null,
      address_masked: null,
      id_number_masked: null,
      income_band: null,
      phone_bidx: null,
      email_bidx: null,
    });
    const [followUp] = await dataSource.query(
      `SELECT has_summary, has_next_step FROM access_follow_ups WHERE customer_id = $1`,
      [customerId],
    );
    expect(followUp).toEqual({ has_summary: false, has_next_step: false });
  });

  it('applies profile updates: changed fields re-masked and re-indexed, removed and erased ones NULL', async () => {
    const customerId = randomUUID();
    await apply(
      registered(customerId, { email: 'old@example.com', wechat: 'wx_old_01', company: 'A 公司' }),
      profileUpdated(customerId, { phone: '13700002222', name: ERASED }, ['email', 'company']),
    );
    expect(await directory(customerId)).toMatchObject({
      name_masked: null,
      phone_masked: '137****2222',
      phone_bidx: blindIndex.phone('13700002222'),
      email_masked: null,
      email_bidx: null,
      wechat_masked: 'wx*******',
      company: null,
    });
    const [finance] = await dataSource.query(
      `SELECT company FROM access_customer_finance WHERE customer_id = $1`,
      [customerId],
    );
    expect(finance).toEqual({ company: null });
  });

  it('follows consent and lawful basis transitions, in the consents table and in active_bases', async () => {
    const customerId = randomUUID();
    await apply(
      registered(customerId),
      consentGranted(customerId, 'marketing', '2026-01-02T00:00:00.000Z'),
      consentGranted(customerId, 'credit_check', '2026-01-03T00:00:00.000Z', true),
      basisRecorded(customerId, 'contract_service', 'contract', '2026-01-04T00:00:00.000Z'),
    );
    expect((await directory(customerId))?.active_bases).toEqual([
      { purpose: 'contract_service', lawfulBasis: 'contract', separate: false },
      { purpose: 'credit_check', lawfulBasis: 'consent', separate: true },
      { purpose: 'marketing', lawfulBasis: 'consent', separate: false },
    ]);

    await apply(
      consentWithdrawn(customerId, 'marketing', '2026-02-01T00:00:00.000Z'),
      basisEnded(customerId, 'contract_service', '2026-02-02T00:00:00.000Z'),
    );
    expect((await directory(customerId))?.active_bases).toEqual([
      { purpose: 'credit_check', lawfulBasis: 'consent', separate: true },
    ]);
    expect(await consents(customerId)).toEqual([
      {
        purpose: 'contract_service',
        lawful_basis: 'contract',
        status: 'ended',
        separate: false,
        channel: null,
        since: new Date('2026-01-04T00:00:00.000Z'),
        until: new Date('2026-02-02T00:00:00.000Z'),
      },
      {
        purpose: 'credit_check',
        lawful_basis: 'consent',
        status: 'active',
        separate: true,
        channel: 'web',
        since: new Date('2026-01-03T00:00:00.000Z'),
        until: null,
      },
      {
        purpose: 'marketing',
        lawful_basis: 'consent',
        status: 'withdrawn',
        separate: false,
        channel: 'web',
        since: new Date('2026-01-02T00:00:00.000Z'),
        until: new Date('2026-02-01T00:00:00.000Z'),
      },
    ]);

    // Granted again after the withdrawal: active from the new grant.
    await apply(consentGranted(customerId, 'marketing', '2026-03-01T00:00:00.000Z'));
    expect((await consents(customerId)).find((row) => row.purpose === 'marketing')).toMatchObject({
      status: 'active',
      since: new Date('2026-03-01T00:00:00.000Z'),
      until: null,
    });
    expect((await directory(customerId))?.active_bases).toHaveLength(2);
  });

  it('keeps last and next follow-up from the latest interaction, not from one logged late', async () => {
    const customerId = randomUUID();
    await apply(
      registered(customerId),
      followUpLogged(customerId, {
        occurredAt: '2026-06-01T08:00:00.000Z',
        nextFollowUpAt: '2026-06-05T08:00:00.000Z',
      }),
      followUpLogged(customerId, {
        occurredAt: '2026-06-03T08:00:00.000Z',
        nextFollowUpAt: '2026-06-10T08:00:00.000Z',
      }),
      followUpLogged(customerId, {
        occurredAt: '2026-06-02T08:00:00.000Z',
        nextFollowUpAt: '2026-07-01T08:00:00.000Z',
      }),
    );
    expect(await directory(customerId)).toMatchObject({
      last_follow_up_at: new Date('2026-06-03T08:00:00.000Z'),
      next_follow_up_at: new Date('2026-06-10T08:00:00.000Z'),
    });

    await apply(followUpLogged(customerId, { occurredAt: '2026-06-04T08:00:00.000Z' }));
    expect(await directory(customerId)).toMatchObject({
      last_follow_up_at: new Date('2026-06-04T08:00:00.000Z'),
      next_follow_up_at: null,
    });
    const [{ count }] = await dataSource.query(
      `SELECT count(*)::int AS count FROM access_follow_ups WHERE customer_id = $1`,
      [customerId],
    );
    expect(count).toBe(4);
  });

  it('updates the finance row from follow-ups that name products, a quote or an order status', async () => {
    const customerId = randomUUID();
    await apply(
      registered(customerId, { company: '华南贸易' }),
      followUpLogged(customerId, {
        occurredAt: '2026-06-01T08:00:00.000Z',
        products: ['annual-plan', 'support'],
        quote: { amount: 12800.5, currency: 'CNY' },
        orderStatus: 'quoted',
      }),
      followUpLogged(customerId, { occurredAt: '2026-06-02T08:00:00.000Z' }),
      followUpLogged(customerId, {
        occurredAt: '2026-06-03T08:00:00.000Z',
        orderStatus: 'ordered',
      }),
      ownerChanged(customerId, 'rep-9', 'west'),
    );
    const [finance] = await dataSource.query(
      `SELECT owner_id, team, company, products, quote, order_status
         FROM access_customer_finance WHERE customer_id = $1`,
      [customerId],
    );
    expect(finance).toEqual({
      owner_id: 'rep-9',
      team: 'west',
      company: '华南贸易',
      products: ['annual-plan', 'support'],
      quote: { amount: 12800.5, currency: 'CNY' },
      order_status: 'ordered',
    });
    expect(await directory(customerId)).toMatchObject({ owner_id: 'rep-9', team: 'west' });
  });

  it('applies an event twice without a second row or an error', async () => {
    const customerId = randomUUID();
    const registration = registered(customerId);
    const followUp = followUpLogged(customerId, { occurredAt: '2026-06-01T08:00:00.000Z' });
    await apply(registration, followUp);
    await apply(registration, followUp);
    const [{ directories, followUps, finances }] = await dataSource.query(
      `SELECT (SELECT count(*)::int FROM access_customer_directory WHERE customer_id = $1) AS directories,
              (SELECT count(*)::int FROM access_follow_ups WHERE customer_id = $1) AS "followUps",
              (SELECT count(*)::int FROM access_customer_finance WHERE customer_id = $1) AS finances`,
      [customerId],
    );
    expect({ directories, followUps, finances }).toEqual({
      directories: 1,
      followUps: 1,
      finances: 1,
    });
  });

  it('empties its table on reset', async () => {
    await apply(registered(randomUUID()));
    await dataSource.transaction(async (manager) => {
      for (const projection of sut) await projection.reset(manager);
    });
    const [counts] = await dataSource.query(
      `SELECT (SELECT count(*)::int FROM access_customer_directory) AS directory,
              (SELECT count(*)::int FROM access_customer_consents) AS consents,
              (SELECT count(*)::int FROM access_follow_ups) AS follow_ups,
              (SELECT count(*)::int FROM access_customer_finance) AS finance`,
    );
    expect(counts).toEqual({ directory: 0, consents: 0, follow_ups: 0, finance: 0 });
  });
});
