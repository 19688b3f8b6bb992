import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { AccessRecorder } from '@custodia/access';
import { EVENT_STORE, type EventStore } from '@custodia/event-store';
import { aMobile, createTestDatabase, type TestDatabase } from '@custodia/testing';
import { ACCESS_LOG } from '../apps/api/src/access/access-log';
import { tokenFor } from './support/identity-tokens';
import { registerUsers, ROLE_USERS } from './support/identity-users';
import { createTestApp } from './support/test-app';

const ADMIN = 'root';
const FOLLOWUP = { purpose: 'sales_followup', noticeVersion: 'general-2025-06', channel: 'web' };

/** The real store, except that appends to the access log fail while `down` is set. */
const accessLogOutage = { down: false };
const withAccessLogOutage = (store: EventStore): EventStore =>
  new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (property === 'append') {
        return (streamId: string, ...rest: unknown[]) =>
          accessLogOutage.down && streamId.startsWith('AccessLog-')
            ? Promise.reject(new Error('connection terminated unexpectedly'))
            : (target.append as (...args: unknown[]) => unknown).call(target, streamId, ...rest);
      }
      return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
    },
  });

describe('access: fail closed when the access log cannot be written', () => {
  let db: TestDatabase;
  let sut: NestExpressApplication;
  let sales: string;
  let customerId: string;
  const phone = aMobile(77);
  const masked = `${phone.slice(0, 3)}****${phone.slice(-4)}`;

  const http = () => request(sut.getHttpServer());
  const read = () =>
    http()
      .get(`/v1/customers/${customerId}`)
      .auth(sales, { type: 'bearer' })
      .set('X-Purpose', 'sales_followup');

  beforeAll(async () => {
    db = await createTestDatabase('access-fail-closed');
    sut = await createTestApp({
      databaseUrl: db.url,
      env: { BOOTSTRAP_ADMIN_ID: ADMIN },
      decorate: [
        {
          token: ACCESS_LOG,
          inject: [EVENT_STORE],
          useFactory: (store: EventStore) =>
            new AccessRecorder({ store: withAccessLogOutage(store), instanceId: 'fail-closed' }),
        },
      ],
    });
    sales = (await registerUsers(sut, await tokenFor(ADMIN), ROLE_USERS)).sales;
    const res = await http()
      .post('/v1/customers')
      .auth(sales, { type: 'bearer' })
      .send({ name: '陈静', phone, consents: [FOLLOWUP] })
      .expect(201);
    customerId = (res.body as { id: string }).id;
    const deadline = Date.now() + 10_000;
    while ((await read()).status !== 200) {
      if (Date.now() > deadline) throw new Error('the directory did not catch up');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });

  afterAll(async () => {
    accessLogOutage.down = false;
    await sut?.close();
    await db?.drop();
  });

  it('answers 503 and sends no customer data while the access log is down', async () => {
    accessLogOutage.down = true;
    try {
      const responses = await Promise.all([
        read(),
        http()
          .get('/v1/customers')
          .auth(sales, { type: 'bearer' })
          .set('X-Purpose', 'sales_followup'),
        http()
          .post(`/v1/customers/${customerId}/reveal`)
          .auth(sales, { type: 'bearer' })
          .send({ fields: ['phone'], purpose: 'sales_followup', reason: '确认联系方式' }),
        http()
          .post('/v1/exports')
          .auth(sales, { type: 'bearer' })
          .send({ purpose: 'sales_followup', fields: ['name', 'phone'] }),
      ]);
      for (const res of responses) {
        expect(res.status).toBe(503);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.body).toMatchObject({ code: 'ACCESS.LOG_UNAVAILABLE' });
        expect(res.text).not.toContain(phone);
        expect(res.text).not.toContain(masked);
        expect(res.text).not.toContain('陈');
      }
    } finally {
      accessLogOutage.down = false;
    }
  });

  it('serves again, recorded, once the log is back', async () => {
    const res = await read().expect(200);
    expect(res.body).toMatchObject({ fields: { phone: masked } });
  });
});
