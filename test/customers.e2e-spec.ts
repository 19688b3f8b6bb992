import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { EVENT_STORE, type EventStore } from '@custodia/event-store';
import { DATA_SOURCE } from '@custodia/runtime';
import { aMobile, anIdNumber, createTestDatabase, type TestDatabase } from '@custodia/testing';
import { tokenFor } from './support/identity-tokens';
import { registerUsers, ROLE_USERS } from './support/identity-users';
import { createTestApp } from './support/test-app';

const PROBLEM = /^application\/problem\+json/;
const ADMIN = 'root';
const FOLLOWUP = { purpose: 'sales_followup', noticeVersion: 'general-2025-06', channel: 'web' };
const CREDIT = { purpose: 'credit_assessment', noticeVersion: 'credit-2025-06', channel: 'web' };

describe('/v1/customers', () => {
  let db: TestDatabase;
  let sut: NestExpressApplication;
  let store: EventStore;
  let tokens: Record<keyof typeof ROLE_USERS | 'admin', string>;

  const as = (token: string) => ({
    post: (path: string, body: object = {}) =>
      request(sut.getHttpServer()).post(path).auth(token, { type: 'bearer' }).send(body),
    patch: (path: string, body: object) =>
      request(sut.getHttpServer()).patch(path).auth(token, { type: 'bearer' }).send(body),
    delete: (path: string) =>
      request(sut.getHttpServer()).delete(path).auth(token, { type: 'bearer' }),
  });
  const streamOf = async (id: string) => store.readStream(`Customer-${id}`);
  const register = async (token: string, body: object = {}): Promise<string> => {
    const res = await as(token)
      .post('/v1/customers', { name: '王小明', phone: aMobile(1), consents: [FOLLOWUP], ...body })
      .expect(201);
    return (res.body as { id: string }).id;
  };

  beforeAll(async () => {
    db = await createTestDatabase('customers');
    sut = await createTestApp({ databaseUrl: db.url, env: { BOOTSTRAP_ADMIN_ID: ADMIN } });
    store = sut.get(EVENT_STORE);
    const admin = await tokenFor(ADMIN);
    tokens = { ...(await registerUsers(sut, admin, ROLE_USERS)), admin };
  });

  afterAll(async () => {
    await sut?.close();
    await db?.drop();
  });

  it('registers a customer with its consents in one append, owned by the caller', async () => {
    const id = await register(tokens.sales);
    const events = await streamOf(id);
    expect(events.map((event) => event.type)).toEqual(['CustomerRegistered', 'ConsentGranted']);
    expect(events[0]?.data).toMatchObject({ ownerId: 'rep.east', team: 'east', customerId: id });
    expect(events[0]?.metadata).toMatchObject({ actorId: 'rep.east' });
    expect(typeof events[0]?.metadata.now).toBe('string');
  });

  it('lets a sales manager register for a rep of the team, and takes the rep team', async () => {
    const id = await register(tokens.salesManager, { ownerId: 'rep.east' });
    expect((await streamOf(id))[0]?.data).toMatchObject({ ownerId: 'rep.east', team: 'east' });
    await as(tokens.salesManager)
      .post('/v1/customers', {
        name: '王',
        phone: aMobile(2),
        consents: [FOLLOWUP],
        ownerId: 'rep.north',
      })
      .expect(400)
      .expect('content-type', PROBLEM);
  });

  it.each(['finance', 'auditor', 'dpo'] as const)('refuses %s with 403', async (role) => {
    await as(tokens[role])
      .post('/v1/customers', { name: '王', phone: aMobile(3), consents: [FOLLOWUP] })
      .expect(403);
  });

  it('refuses a field no active purpose covers, naming the field, and appends nothing', async () => {
    const res = await as(tokens.sales)
      .post('/v1/customers', {
        name: '王',
        phone: aMobile(4),
        idNumber: anIdNumber(),
        consents: [FOLLOWUP],
      })
      .expect(422)
      .expect('content-type', PROBLEM);
    expect(JSON.stringify(res.body)).toContain('idNumber');
    expect(JSON.stringify(res.body)).not.toContain(anIdNumber());
  });

  it('refuses an invalid mobile with 400 naming phone, not its value', async () => {
    const res = await as(tokens.sales)
      .post('/v1/customers', { name: '王', phone: '12345', consents: [FOLLOWUP] })
      .expect(400);
    expect(JSON.stringify(res.body)).toContain('phone');
    expect(JSON.stringify(res.body)).not.toContain('12345');
  });

  it('refuses unknown body fields (whitelist)', async () => {
    await as(tokens.sales)
      .post('/v1/customers', { name: '王', phone: aMobile(5), consents: [FOLLOWUP], religion: 'x' })
      .expect(400);
  });

  it('patches the profile, and hides a customer from a rep of another team', async () => {
    const id = await register(tokens.sales);
    await as(tokens.sales).patch(`/v1/customers/${id}`, { email: 'a@example.com' }).expect(204);
    expect((await streamOf(id)).at(-1)?.type).toBe('CustomerProfileUpdated');
    await as(tokens.otherSales).patch(`/v1/customers/${id}`, { company: 'X' }).expect(404);
    await as(tokens.sales).patch(`/v1/customers/${id}`, { name: null }).expect(400);
  });

  it('grants and withdraws a consent; a follow-up then needs it again', async () => {
    const id = await register(tokens.salesManager, { ownerId: 'rep.east' });
    await as(tokens.salesManager)
      .post(`/v1/customers/${id}/consents`, { ...CREDIT, separate: true })
      .expect(204);
    await as(tokens.salesManager)
      .patch(`/v1/customers/${id}`, { idNumber: anIdNumber() })
      .expect(204);
    const followUp = {
      purpose: 'sales_followup',
      channel: 'call',
      occurredAt: new Date().toISOString(),
      summary: 'Asked for a quote',
    };
    const logged = await as(tokens.sales)
      .post(`/v1/customers/${id}/follow-ups`, followUp)
      .expect(201);
    expect((logged.body as { id: string }).id).toMatch(/^[0-9a-f-]{36}$/);
    await as(tokens.sales)
      .delete(`/v1/customers/${id}/consents/sales_followup?channel=phone`)
      .expect(204);
    const before = (await streamOf(id)).length;
    await as(tokens.sales)
      .post(`/v1/customers/${id}/follow-ups`, { ...followUp, occurredAt: new Date().toISOString() })
      .expect(422)
      .expect('content-type', PROBLEM);
    expect(await streamOf(id)).toHaveLength(before);
  });

  it('hands a customer over: sales manager of the team or admin, not a rep', async () => {
    const id = await register(tokens.sales);
    await as(tokens.sales).post(`/v1/customers/${id}/owner`, { ownerId: 'mgr.east' }).expect(403);
    await as(tokens.salesManager)
      .post(`/v1/customers/${id}/owner`, { ownerId: 'mgr.east' })
      .expect(204);
    await as(tokens.admin).post(`/v1/customers/${id}/owner`, { ownerId: 'rep.north' }).expect(204);
    expect((await streamOf(id)).at(-1)?.data).toMatchObject({
      ownerId: 'rep.north',
      team: 'north',
    });
  });

  it('returns the first answer on a retry with the same Idempotency-Key', async () => {
    const body = { name: '李四', phone: aMobile(7), consents: [FOLLOWUP] };
    const send = (token: string, payload: object) =>
      request(sut.getHttpServer())
        .post('/v1/customers')
        .auth(token, { type: 'bearer' })
        .set('Idempotency-Key', 'retry-1')
        .send(payload);
    const first = await send(tokens.sales, body).expect(201);
    const again = await send(tokens.sales, body).expect(201);
    expect(again.body).toEqual(first.body);
    const id = (first.body as { id: string }).id;
    expect(await streamOf(id)).toHaveLength(2);
    const reused = await send(tokens.sales, { ...body, name: '李五' })
      .expect(422)
      .expect('content-type', PROBLEM);
    expect(JSON.stringify(reused.body)).toContain('Idempotency-Key');
    // Another actor's key is their own.
    const other = await send(tokens.salesManager, body).expect(201);
    expect(other.body).not.toEqual(first.body);
    const rows: { response: unknown }[] = await sut
      .get<DataSource>(DATA_SOURCE)
      .query("SELECT response FROM api_idempotency_keys WHERE key = 'retry-1' ORDER BY actor_id");
    expect(JSON.stringify(rows)).not.toContain('李四');
  });

  it('forgets a refused request, so a corrected retry with the same key goes through', async () => {
    const send = (payload: object) =>
      request(sut.getHttpServer())
        .post('/v1/customers')
        .auth(tokens.sales, { type: 'bearer' })
        .set('Idempotency-Key', 'retry-2')
        .send(payload);
    await send({ name: '李四', phone: '123', consents: [FOLLOWUP] }).expect(400);
    await send({ name: '李四', phone: aMobile(8), consents: [FOLLOWUP] }).expect(201);
  });

  it('answers 404 for an unknown customer and 400 for a malformed id', async () => {
    await as(tokens.salesManager)
      .patch('/v1/customers/00000000-0000-4000-8000-000000000000', { company: 'X' })
      .expect(404);
    await as(tokens.salesManager).patch('/v1/customers/not-an-id', { company: 'X' }).expect(400);
  });
});
