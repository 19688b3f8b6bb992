import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { aMobile, createTestDatabase, type TestDatabase } from '@custodia/testing';
import { tokenFor } from './support/identity-tokens';
import { registerUsers, ROLE_USERS } from './support/identity-users';
import { createTestApp } from './support/test-app';
import { eventually } from './support/eventually';

const ADMIN = 'root';
const FOLLOWUP = { purpose: 'sales_followup', noticeVersion: 'general-2025-06', channel: 'web' };

type Alert = { rule: string; actorId: string; underNotice: boolean };

describe('access alerts and offboarding notice limits', () => {
  let db: TestDatabase;
  let sut: NestExpressApplication;
  let tokens: Record<keyof typeof ROLE_USERS | 'admin', string>;
  let customerId: string;

  const http = () => request(sut.getHttpServer());
  const alerts = async (token: string): Promise<Alert[]> => {
    const res = await http().get('/v1/alerts').auth(token, { type: 'bearer' }).expect(200);
    return (res.body as { alerts: Alert[] }).alerts;
  };

  beforeAll(async () => {
    db = await createTestDatabase('access-alerts');
    sut = await createTestApp({ databaseUrl: db.url, env: { BOOTSTRAP_ADMIN_ID: ADMIN } });
    const admin = await tokenFor(ADMIN);
    tokens = { ...(await registerUsers(sut, admin, ROLE_USERS)), admin };
    const res = await http()
      .post('/v1/customers')
      .auth(tokens.sales, { type: 'bearer' })
      .send({ name: '马丽', phone: aMobile(88), consents: [FOLLOWUP] })
      .expect(201);
    customerId = (res.body as { id: string }).id;
    await eventually(async () => {
      await http()
        .get(`/v1/customers/${customerId}`)
        .auth(tokens.sales, { type: 'bearer' })
        .set('X-Purpose', 'sales_followup')
        .expect(200);
    });
    // The rep is leaving next week: under notice from now on.
    await http()
      .post('/v1/users/rep.east/offboarding')
      .auth(admin, { type: 'bearer' })
      .send({ effectiveAt: new Date(Date.now() + 7 * 86_400_000).toISOString() })
      .expect(201);
  });

  afterAll(async () => {
    await sut?.close();
    await db?.drop();
  });

  it('keeps alerts from roles that do not watch access', async () => {
    await http().get('/v1/alerts').auth(tokens.sales, { type: 'bearer' }).expect(403);
    await http().get('/v1/alerts').auth(tokens.finance, { type: 'bearer' }).expect(403);
  });

  it('refuses exports under notice, limits reveals, and raises an alert for any access', async () => {
    const exported = await http()
      .post('/v1/exports')
      .auth(tokens.sales, { type: 'bearer' })
      .send({ purpose: 'sales_followup', fields: ['name'] })
      .expect(403);
    expect(exported.body).toMatchObject({ code: 'ACCESS.UNDER_NOTICE' });

    const reveal = () =>
      http()
        .post(`/v1/customers/${customerId}/reveal`)
        .auth(tokens.sales, { type: 'bearer' })
        .send({ fields: ['phone'], purpose: 'sales_followup', reason: '交接前联系客户' });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i += 1) statuses.push((await reveal()).status);
    // Five reveals an hour under notice, then 429.
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);

    await eventually(async () => {
      const found = await alerts(tokens.auditor);
      expect(found).toContainEqual(
        expect.objectContaining({
          rule: 'access-under-notice',
          actorId: 'rep.east',
          underNotice: true,
        }),
      );
    });
    // Once per actor and day, however many accesses.
    const underNotice = (await alerts(tokens.dpo)).filter(
      (alert) => alert.rule === 'access-under-notice' && alert.actorId === 'rep.east',
    );
    expect(underNotice).toHaveLength(1);
  });
});
