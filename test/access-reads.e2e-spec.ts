import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE } from '@custodia/runtime';
import { aMobile, createTestDatabase, type TestDatabase } from '@custodia/testing';
import { tokenFor } from './support/identity-tokens';
import { registerUsers, ROLE_USERS } from './support/identity-users';
import { createTestApp } from './support/test-app';
import { eventually } from './support/eventually';

const PROBLEM = /^application\/problem\+json/;
const ADMIN = 'root';
const FOLLOWUP = { purpose: 'sales_followup', noticeVersion: 'general-2025-06', channel: 'web' };

describe('access: reads, reveal, export', () => {
  let db: TestDatabase;
  let sut: NestExpressApplication;
  let dataSource: DataSource;
  let tokens: Record<keyof typeof ROLE_USERS | 'admin', string>;
  let customerId: string;
  const phone = aMobile(41);

  const http = () => request(sut.getHttpServer());
  const get = (token: string, path: string, purpose?: string) => {
    const req = http().get(path).auth(token, { type: 'bearer' });
    return purpose === undefined ? req : req.set('X-Purpose', purpose);
  };
  const accessEvents = async (type: string): Promise<Record<string, unknown>[]> =>
    (
      await dataSource.query<{ data: Record<string, unknown> }[]>(
        `SELECT data FROM events WHERE type = $1 ORDER BY global_position`,
        [type],
      )
    ).map((row) => row.data);

  beforeAll(async () => {
    db = await createTestDatabase('access-reads');
    sut = await createTestApp({ databaseUrl: db.url, env: { BOOTSTRAP_ADMIN_ID: ADMIN } });
    dataSource = sut.get(DATA_SOURCE);
    const admin = await tokenFor(ADMIN);
    tokens = { ...(await registerUsers(sut, admin, ROLE_USERS)), admin };
    const created = await http()
      .post('/v1/customers')
      .auth(tokens.sales, { type: 'bearer' })
      .send({
        name: '王小明',
        phone,
        email: 'wang.xm@example.com',
        company: '示例科技',
        consents: [FOLLOWUP],
      })
      .expect(201);
    customerId = (created.body as { id: string }).id;
    await http()
      .post(`/v1/customers/${customerId}/follow-ups`)
      .auth(tokens.sales, { type: 'bearer' })
      .send({
        purpose: 'sales_followup',
        channel: 'call',
        occurredAt: new Date().toISOString(),
        summary: '客户想要年度报价',
        nextFollowUpAt: new Date(Date.now() + 86_400_000).toISOString(),
        quote: { amount: 12000, currency: 'CNY' },
      })
      .expect(201);
    // The read models are projections: wait until they have the follow-up too.
    await eventually(async () => {
      const res = await get(
        tokens.sales,
        `/v1/customers/${customerId}/follow-ups`,
        'sales_followup',
      );
      expect(res.status).toBe(200);
      expect((res.body as { items: unknown[] }).items).toHaveLength(1);
    });
  });

  afterAll(async () => {
    await sut?.close();
    await db?.drop();
  });

  it('shows the owner the customer masked, and records the access first', async () => {
    const before = (await accessEvents('CustomerDataAccessed')).length;
    const res = await get(tokens.sales, `/v1/customers/${customerId}`, 'sales_followup').expect(
      200,
    );
    expect(res.body).toMatchObject({
      id: customerId,
      ownerId: 'rep.east',
      team: 'east',
      purpose: 'sales_followup',
      fields: {
        name: '王**',
        phone: `${phone.slice(0, 3)}****${phone.slice(-4)}`,
        email: 'w***@example.com',
        company: '示例科技',
      },
    });
    expect(JSON.stringify(res.body)).not.toContain(phone);
    const accesses = await accessEvents('CustomerDataAccessed');
    expect(accesses).toHaveLength(before + 1);
    expect(accesses.at(-1)).toMatchObject({
      actorId: 'rep.east',
      purpose: 'sales_followup',
      customerIds: [customerId],
      route: 'GET /v1/customers/:id',
    });
  });

  it('asks for X-Purpose, naming the header', async () => {
    const res = await get(tokens.sales, `/v1/customers/${customerId}`).expect(400);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'X-Purpose' })]);
  });

  it('refuses a purpose the role may not use with 403 and an AccessDenied event', async () => {
    const before = (await accessEvents('AccessDenied')).length;
    const res = await get(tokens.finance, `/v1/customers/${customerId}`, 'sales_followup').expect(
      403,
    );
    expect(res.body.code).toBe('ACCESS.PURPOSE_NOT_ALLOWED_FOR_ROLE');
    const denials = await accessEvents('AccessDenied');
    expect(denials).toHaveLength(before + 1);
    expect(denials.at(-1)).toMatchObject({
      actorId: 'fin',
      reason: 'PURPOSE_NOT_ALLOWED_FOR_ROLE',
    });
  });

  it('refuses a purpose the customer has not consented to with 403', async () => {
    const res = await get(tokens.salesManager, `/v1/customers/${customerId}`, 'marketing').expect(
      403,
    );
    expect(res.body.code).toBe('ACCESS.PURPOSE_NOT_COVERED');
  });

  it('hides another rep’s customer behind a 404', async () => {
    await get(tokens.otherSales, `/v1/customers/${customerId}`, 'sales_followup').expect(404);
    const list = await get(tokens.otherSales, '/v1/customers', 'sales_followup').expect(200);
    expect(list.body.items).toEqual([]);
  });

  it('finds the customer by phone through the blind index, in another format', async () => {
    const spaced = `+86 ${phone.slice(0, 3)} ${phone.slice(3, 7)} ${phone.slice(7)}`;
    const res = await get(
      tokens.sales,
      `/v1/customers?phone=${encodeURIComponent(spaced)}`,
      'sales_followup',
    ).expect(200);
    const items = (res.body as { items: { id: string }[] }).items;
    expect(items.map((item) => item.id)).toEqual([customerId]);
  });

  it('lists a next follow-up window in date order; refuses an old or garbled cursor with 400 naming it', async () => {
    const day = 86_400_000;
    const window =
      `nextFollowUpFrom=${encodeURIComponent(new Date(Date.now() - day).toISOString())}` +
      `&nextFollowUpTo=${encodeURIComponent(new Date(Date.now() + 7 * day).toISOString())}`;
    const listed = await get(tokens.sales, `/v1/customers?${window}`, 'sales_followup').expect(200);
    expect((listed.body as { items: { id: string }[] }).items.map((item) => item.id)).toEqual([
      customerId,
    ]);
    const encode = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
    const refused = [
      // The cursor a date window had before it was listed in date order: an id.
      `${window}&cursor=${encode(customerId)}`,
      `${window}&cursor=${encode(`d.not-micros.${customerId}`)}`,
      `${window}&cursor=${encodeURIComponent('garbled!')}`,
      // A cursor of a date window on a list by id.
      `cursor=${encode(`d.1782896400000000.${customerId}`)}`,
    ];
    for (const query of refused) {
      const res = await get(tokens.sales, `/v1/customers?${query}`, 'sales_followup').expect(400);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body).toMatchObject({
        code: 'ACCESS.INVALID_CURSOR',
        errors: [expect.objectContaining({ field: 'cursor' })],
      });
      expect(JSON.stringify(res.body)).not.toContain(customerId);
    }
  });

  it('opens follow-up notes from the log for the owner', async () => {
    const res = await get(
      tokens.sales,
      `/v1/customers/${customerId}/follow-ups`,
      'sales_followup',
    ).expect(200);
    expect(res.body.items[0]).toMatchObject({
      channel: 'call',
      summary: '客户想要年度报价',
      quote: { amount: 12000, currency: 'CNY' },
    });
  });

  it('gives finance business fields only, never contact details', async () => {
    const res = await get(tokens.finance, `/v1/customers/${customerId}`, 'order_fulfilment');
    // The customer consented to sales_followup only: order_fulfilment needs a recorded contract.
    expect(res.status).toBe(403);
    expect(JSON.stringify(res.body)).not.toContain(phone);
  });

  it('lists consents for a purpose of the role', async () => {
    const res = await get(
      tokens.sales,
      `/v1/customers/${customerId}/consents`,
      'sales_followup',
    ).expect(200);
    expect(res.body.items).toEqual([
      expect.objectContaining({
        purpose: 'sales_followup',
        status: 'active',
        lawfulBasis: 'consent',
      }),
    ]);
  });

  it('reveals the phone to its owner, sealing the reason in the log', async () => {
    const res = await http()
      .post(`/v1/customers/${customerId}/reveal`)
      .auth(tokens.sales, { type: 'bearer' })
      .send({ fields: ['phone'], purpose: 'sales_followup', reason: '回电确认报价' })
      .expect(200);
    expect(res.body).toEqual({ customerId, fields: { phone }, erased: [] });
    const stored = await dataSource.query<{ reason: unknown }[]>(
      `SELECT data->'reason' AS reason FROM events WHERE type = 'PersonalDataRevealed'`,
    );
    expect(stored).toHaveLength(1);
    expect(stored[0].reason).toMatchObject({ $enc: 1 });
  });

  it('refuses to reveal a field the role may not reveal', async () => {
    const res = await http()
      .post(`/v1/customers/${customerId}/reveal`)
      .auth(tokens.admin, { type: 'bearer' })
      .send({ fields: ['name'], purpose: 'customer_administration', reason: 'handover check' })
      .expect(403);
    expect(res.body.code).toBe('ACCESS.FIELD_NOT_REVEALABLE');
  });

  it('exports CSV masked as the role sees it, watermarked and recorded', async () => {
    const res = await http()
      .post('/v1/exports')
      .auth(tokens.sales, { type: 'bearer' })
      .send({ purpose: 'sales_followup', fields: ['name', 'phone', 'company'] })
      .expect(201);
    const watermark = res.headers['x-export-watermark'];
    expect(watermark).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const text = res.text;
    expect(text).toContain(`watermark=${watermark}`);
    expect(text).toContain(`${phone.slice(0, 3)}****${phone.slice(-4)}`);
    expect(text).not.toContain(phone);
    const exports = await accessEvents('CustomerDataExported');
    expect(exports.at(-1)).toMatchObject({ watermark, rowCount: 1, actorId: 'rep.east' });
  });

  it('refuses exports to roles without the permission', async () => {
    await http()
      .post('/v1/exports')
      .auth(tokens.dpo, { type: 'bearer' })
      .send({ purpose: 'privacy_rights', fields: ['name'] })
      .expect(403);
  });
});
