import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { PrivacyRequests } from '@custodia/privacy';
import { DATA_SOURCE } from '@custodia/runtime';
import { aMobile, createTestDatabase, type TestDatabase } from '@custodia/testing';
import { tokenFor } from './support/identity-tokens';
import { registerUsers, ROLE_USERS } from './support/identity-users';
import { createTestApp } from './support/test-app';
import { eventually } from './support/eventually';

const PROBLEM = /^application\/problem\+json/;
const ADMIN = 'root';
const FOLLOWUP = { purpose: 'sales_followup', noticeVersion: 'general-2025-06', channel: 'web' };
const DAY = 86_400_000;
const NOTE = 'Requester 王小明 called from 13800138000';
const REASON = 'Waiting for the archive of 王小明';

type Body = Record<string, unknown>;
type Listed = { items: Body[]; next: string | null };

describe('privacy requests and legal holds', () => {
  let db: TestDatabase;
  let sut: NestExpressApplication;
  let dataSource: DataSource;
  let tokens: Record<keyof typeof ROLE_USERS | 'admin', string>;
  let customerId: string;
  let otherCustomerId: string;

  const http = () => request(sut.getHttpServer());
  const as = (token: string) => ({
    get: (path: string) => http().get(path).auth(token, { type: 'bearer' }),
    post: (path: string, body: object = {}) =>
      http().post(path).auth(token, { type: 'bearer' }).send(body),
    delete: (path: string) => http().delete(path).auth(token, { type: 'bearer' }),
  });
  const dpo = () => as(tokens.dpo);
  const metadata = () => ({ actorId: 'dpo', now: new Date().toISOString() });

  const registerCustomer = async (name: string, seed: number): Promise<string> => {
    const created = await as(tokens.sales)
      .post('/v1/customers', { name, phone: aMobile(seed), consents: [FOLLOWUP] })
      .expect(201);
    return (created.body as { id: string }).id;
  };
  const createRequest = async (body: object): Promise<{ id: string; dueAt: string }> =>
    (await dpo().post('/v1/privacy-requests', body).expect(201)).body as {
      id: string;
      dueAt: string;
    };
  const list = async (query: string): Promise<Listed> =>
    (await dpo().get(`/v1/privacy-requests?${query}`).expect(200)).body as Listed;

  beforeAll(async () => {
    db = await createTestDatabase('privacy-requests');
    sut = await createTestApp({ databaseUrl: db.url, env: { BOOTSTRAP_ADMIN_ID: ADMIN } });
    dataSource = sut.get(DATA_SOURCE);
    const admin = await tokenFor(ADMIN);
    tokens = { ...(await registerUsers(sut, admin, ROLE_USERS)), admin };
    customerId = await registerCustomer('王小明', 51);
    otherCustomerId = await registerCustomer('李小红', 52);
  });

  afterAll(async () => {
    await sut?.close();
    await db?.drop();
  });

  it('records a request due in 15 days under PIPL by default, and one month under GDPR', async () => {
    const before = Date.now();
    const pipl = await createRequest({ customerId, type: 'access', channel: 'email', note: NOTE });
    expect(Date.parse(pipl.dueAt) - before).toBeGreaterThanOrEqual(15 * DAY - 1000);
    expect(Date.parse(pipl.dueAt) - before).toBeLessThanOrEqual(15 * DAY + 60_000);

    const gdpr = await createRequest({ customerId, type: 'correction', regime: 'GDPR' });
    const received = await dpo().get(`/v1/privacy-requests/${gdpr.id}`).expect(200);
    expect(received.body).toMatchObject({
      id: gdpr.id,
      customerId,
      type: 'correction',
      regime: 'GDPR',
      state: 'received',
      extended: false,
      overdue: false,
      holdIds: [],
      completedAt: null,
    });
    const receivedAt = new Date((received.body as { receivedAt: string }).receivedAt);
    const oneMonthLater = new Date(receivedAt);
    oneMonthLater.setUTCMonth(receivedAt.getUTCMonth() + 1);
    // The same day next month (or that month's last day).
    expect(new Date(gdpr.dueAt).getUTCMonth()).toBe((receivedAt.getUTCMonth() + 1) % 12);
    expect(Date.parse(gdpr.dueAt)).toBeLessThanOrEqual(oneMonthLater.getTime());
  });

  it('seals the note under the customer key: the log holds no plaintext', async () => {
    const rows = await dataSource.query<{ data: string }[]>(
      `SELECT data::text AS data FROM events WHERE type = 'PrivacyRequestReceived'`,
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.data).not.toContain('13800138000');
      expect(row.data).not.toContain('王小明');
    }
    expect(rows.some((row) => row.data.includes('"$enc"'))).toBe(true);
  });

  it('walks a request through verify, start, extend (once) and reject', async () => {
    const { id, dueAt } = await createRequest({ customerId, type: 'erasure', regime: 'GDPR' });
    await dpo()
      .post(`/v1/privacy-requests/${id}/verify`)
      .expect(200)
      .expect((res) => expect(res.body).toMatchObject({ id, state: 'verified' }));
    await dpo()
      .post(`/v1/privacy-requests/${id}/start`)
      .expect(200)
      .expect((res) => expect(res.body).toMatchObject({ state: 'in_progress' }));
    const extended = await dpo()
      .post(`/v1/privacy-requests/${id}/extend`, { reason: REASON })
      .expect(200);
    expect(extended.body).toMatchObject({ state: 'in_progress', extended: true });
    expect(Date.parse((extended.body as { dueAt: string }).dueAt)).toBeGreaterThan(
      Date.parse(dueAt) + 55 * DAY,
    );
    expect(JSON.stringify(extended.body)).not.toContain('王小明');

    const again = await dpo()
      .post(`/v1/privacy-requests/${id}/extend`, { reason: REASON })
      .expect(409)
      .expect('Content-Type', PROBLEM);
    expect(again.body).toMatchObject({ code: 'PRIVACY.ALREADY_EXTENDED' });
    expect(JSON.stringify(again.body)).not.toContain('王小明');

    await dpo()
      .post(`/v1/privacy-requests/${id}/reject`, { reason: REASON })
      .expect(200)
      .expect((res) => expect(res.body).toMatchObject({ state: 'rejected' }));
    const refused = await dpo()
      .post(`/v1/privacy-requests/${id}/verify`)
      .expect(409)
      .expect('Content-Type', PROBLEM);
    expect(refused.body).toMatchObject({
      code: 'PRIVACY.INVALID_TRANSITION',
      errors: [{ field: 'state', rule: 'PRIVACY.INVALID_TRANSITION' }],
    });
  });

  it('lets the executor start and complete a request with the ids of its outcome', async () => {
    const { id } = await createRequest({ customerId: otherCustomerId, type: 'access' });
    await dpo().post(`/v1/privacy-requests/${id}/verify`).expect(200);
    const requests = sut.get(PrivacyRequests);
    await requests.startRequest(id, metadata());
    await requests.startRequest(id, metadata()); // a retry is a no-op
    await requests.completeRequest(id, { exportId: 'x-1', logPosition: 42 }, metadata());
    const done = await dpo().get(`/v1/privacy-requests/${id}`).expect(200);
    expect(done.body).toMatchObject({
      state: 'completed',
      outcome: { exportId: 'x-1', logPosition: 42 },
    });
    expect((done.body as { completedAt: string | null }).completedAt).not.toBeNull();
  });

  it('lists with filters and pages by cursor', async () => {
    await eventually(async () => {
      const all = await list(`customerId=${customerId}`);
      expect(all.items).toHaveLength(3);
    });
    const rejected = await list(`customerId=${customerId}&state=rejected`);
    expect(rejected.items.map((item) => item.state)).toEqual(['rejected']);
    // The other customer's request (the test before) reaches the list when it is projected.
    await eventually(async () => {
      const access = await list('type=access');
      expect(access.items.map((item) => item.customerId).sort()).toEqual(
        [customerId, otherCustomerId].sort(),
      );
    });
    await eventually(async () => {
      const completed = await list(`customerId=${otherCustomerId}&state=completed`);
      expect(completed.items).toHaveLength(1);
    });
    // Every deadline is weeks away: nothing is overdue (the decider specs cover a past due date).
    expect((await list('overdue=true')).items).toEqual([]);

    const first = await list('limit=2');
    expect(first.items).toHaveLength(2);
    expect(first.next).not.toBeNull();
    const second = await list(`limit=2&cursor=${first.next ?? ''}`);
    const ids = [...first.items, ...second.items].map((item) => item.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(4);
  });

  it('places a hold that defers an erasure, and lifting it resumes the request', async () => {
    const placed = await dpo()
      .post(`/v1/customers/${customerId}/legal-holds`, { reason: REASON, basis: 'litigation' })
      .expect(201);
    const holdId = (placed.body as { id: string }).id;
    expect(JSON.stringify(placed.body)).not.toContain('王小明');

    const requests = sut.get(PrivacyRequests);
    expect((await requests.activeHoldsOf(customerId, new Date())).map((h) => h.holdId)).toEqual([
      holdId,
    ]);
    const { id } = await createRequest({ customerId, type: 'erasure' });
    await dpo().post(`/v1/privacy-requests/${id}/verify`).expect(200);
    expect(await requests.deferRequest(id, metadata())).toEqual({ holdIds: [holdId] });
    await dpo()
      .get(`/v1/privacy-requests/${id}`)
      .expect(200)
      .expect((res) => expect(res.body).toMatchObject({ state: 'deferred', holdIds: [holdId] }));
    // A deferred request is neither started nor rejected until the hold goes.
    await dpo().post(`/v1/privacy-requests/${id}/start`).expect(409);

    // The hold id is found through the read model, and the deferral must be projected too.
    await eventually(async () => {
      const deferred = await list(`customerId=${customerId}&state=deferred`);
      expect(deferred.items.map((item) => item.id)).toEqual([id]);
    });
    await eventually(async () => {
      await dpo().delete(`/v1/legal-holds/${holdId}`).expect(204);
    });
    await dpo()
      .get(`/v1/privacy-requests/${id}`)
      .expect(200)
      .expect((res) => expect(res.body).toMatchObject({ state: 'verified', holdIds: [] }));
    expect(await requests.activeHoldsOf(customerId, new Date())).toEqual([]);
    await dpo().delete(`/v1/legal-holds/${holdId}`).expect(204); // lifting again changes nothing

    const none = await dpo().delete('/v1/legal-holds/no-such-hold').expect(404);
    expect(none.body).toMatchObject({ code: 'PRIVACY.HOLD_NOT_FOUND' });
    await expect(requests.deferRequest(id, metadata())).rejects.toMatchObject({
      code: 'PRIVACY.NO_ACTIVE_HOLD',
    });
    const rows = await dataSource.query<{ data: string }[]>(
      `SELECT data::text AS data FROM events WHERE type = 'LegalHoldPlaced'`,
    );
    expect(rows.map((row) => row.data).join()).not.toContain('王小明');
  });

  it('answers problem+json naming the field, never the value', async () => {
    const invalid = await dpo()
      .post('/v1/privacy-requests', { customerId: 'not-a-uuid', type: 'deletion', note: 7 })
      .expect(400)
      .expect('Content-Type', PROBLEM);
    const fields = (invalid.body as { errors: { field: string }[] }).errors.map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['customerId', 'type', 'note']));
    expect(JSON.stringify(invalid.body)).not.toContain('not-a-uuid');

    const unknown = await dpo()
      .post('/v1/privacy-requests', {
        customerId: '0190a1b2-0000-7000-8000-000000000000',
        type: 'erasure',
      })
      .expect(404)
      .expect('Content-Type', PROBLEM);
    expect(unknown.body).toMatchObject({ code: 'PRIVACY.CUSTOMER_NOT_FOUND' });

    const { id } = await createRequest({ customerId, type: 'access' });
    const noReason = await dpo()
      .post(`/v1/privacy-requests/${id}/reject`, { reason: '  ' })
      .expect(400)
      .expect('Content-Type', PROBLEM);
    expect(noReason.body).toMatchObject({
      code: 'PRIVACY.REASON_REQUIRED',
      errors: [{ field: 'reason', rule: 'PRIVACY.REASON_REQUIRED' }],
    });
    const badBasis = await dpo()
      .post(`/v1/customers/${customerId}/legal-holds`, { reason: REASON, basis: '王小明的案子' })
      .expect(400)
      .expect('Content-Type', PROBLEM);
    expect(badBasis.body).toMatchObject({ errors: [{ field: 'basis' }] });
    expect(JSON.stringify(badBasis.body)).not.toContain('王小明');
    await dpo()
      .post(`/v1/customers/${customerId}/legal-holds`, {
        reason: REASON,
        basis: 'tax_audit',
        until: '2020-01-01T00:00:00Z',
      })
      .expect(400)
      .expect((res) => expect(res.body).toMatchObject({ errors: [{ field: 'until' }] }));
    await dpo()
      .get('/v1/privacy-requests/no%20such')
      .expect(400)
      .expect((res) => expect(res.body).toMatchObject({ errors: [{ field: 'id' }] }));
    await dpo()
      .get('/v1/privacy-requests/missing-request')
      .expect(404)
      .expect((res) => expect(res.body).toMatchObject({ code: 'PRIVACY.REQUEST_NOT_FOUND' }));
    await dpo()
      .get('/v1/privacy-requests?cursor=bm9wZQ')
      .expect(400)
      .expect((res) => expect(res.body).toMatchObject({ errors: [{ field: 'cursor' }] }));
    await dpo()
      .get('/v1/privacy-requests?overdue=yes&state=done')
      .expect(400)
      .expect('Content-Type', PROBLEM);
  });

  it.each(['sales', 'salesManager', 'finance', 'auditor', 'admin'] as const)(
    'refuses %s with 403 on every privacy route',
    async (role) => {
      const caller = as(tokens[role]);
      const { id } = await createRequest({ customerId, type: 'access' });
      const attempts = [
        caller.post('/v1/privacy-requests', { customerId, type: 'erasure' }),
        caller.get('/v1/privacy-requests'),
        caller.get(`/v1/privacy-requests/${id}`),
        caller.post(`/v1/privacy-requests/${id}/verify`),
        caller.post(`/v1/privacy-requests/${id}/reject`, { reason: REASON }),
        caller.post(`/v1/customers/${customerId}/legal-holds`, {
          reason: REASON,
          basis: 'litigation',
        }),
        caller.delete('/v1/legal-holds/any-hold'),
      ];
      for (const attempt of attempts) {
        await attempt.expect(403).expect('Content-Type', PROBLEM);
      }
      await dpo()
        .get(`/v1/privacy-requests/${id}`)
        .expect(200)
        .expect((res) => expect(res.body).toMatchObject({ state: 'received' }));
    },
  );
});
