import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE } from '@custodia/runtime';
import { aMobile, createTestDatabase, type TestDatabase } from '@custodia/testing';
import { eventually } from './support/eventually';
import { tokenFor } from './support/identity-tokens';
import { registerUsers, ROLE_USERS } from './support/identity-users';
import { createTestApp } from './support/test-app';

const PROBLEM = /^application\/problem\+json/;
const ADMIN = 'root';
const FOLLOWUP = { purpose: 'sales_followup', noticeVersion: 'general-2025-06', channel: 'web' };
const HOUR = 3_600_000;
const PEOPLE = [
  { name: '韩一号', phone: aMobile(61) },
  { name: '韩二号', phone: aMobile(62) },
  { name: '韩三号', phone: aMobile(63) },
] as const;

type Body = Record<string, unknown>;
type ScopeCustomer = { customerId: string; clear: string[]; masked: string[]; actorIds: string[] };
type Scope = {
  customerCount: number;
  customers: ScopeCustomer[];
  customersTruncated: boolean;
  fields: { field: string }[];
  actors: { actorId: string; views: number; reveals: number }[];
  complete: boolean;
  suspectedActorId: string | null;
};
type Disclosure = { field: string; view: 'full' | 'masked' };

describe('incidents', () => {
  let db: TestDatabase;
  let sut: NestExpressApplication;
  let dataSource: DataSource;
  let tokens: Record<keyof typeof ROLE_USERS | 'admin', string>;
  const customers: string[] = [];
  let windowFrom: string;

  const http = () => request(sut.getHttpServer());
  const as = (token: string) => ({
    get: (path: string) => http().get(path).auth(token, { type: 'bearer' }),
    post: (path: string, body: object = {}) =>
      http().post(path).auth(token, { type: 'bearer' }).send(body),
  });
  const dpo = () => as(tokens.dpo);
  const windowNow = () => ({ from: windowFrom, to: new Date(Date.now() + 1000).toISOString() });
  const open = async (body: object): Promise<Body> =>
    (await dpo().post('/v1/incidents', body).expect(201)).body as Body;
  const expectNoPersonalValue = (text: string) => {
    for (const person of PEOPLE) {
      expect(text).not.toContain(person.name);
      expect(text).not.toContain(person.phone);
      expect(text).not.toContain(person.phone.slice(-4) + '"');
    }
  };

  /** What the log says `actorId` saw, per customer: the oracle the scope must equal. */
  const fromTheLog = async (actorId: string): Promise<ScopeCustomer[]> => {
    const rows = await dataSource.query<{ type: string; data: Body }[]>(
      `SELECT type, data FROM events
        WHERE type IN ('CustomerDataAccessed', 'PersonalDataRevealed') AND data->>'actorId' = $1
          AND recorded_at >= $2
        ORDER BY global_position`,
      [actorId, windowFrom],
    );
    const seen = new Map<string, { clear: Set<string>; masked: Set<string> }>();
    const entry = (id: string) => {
      const found = seen.get(id) ?? { clear: new Set<string>(), masked: new Set<string>() };
      seen.set(id, found);
      return found;
    };
    for (const { type, data } of rows) {
      if (type === 'PersonalDataRevealed') {
        for (const field of data.fields as string[])
          entry(data.customerId as string).clear.add(field);
        continue;
      }
      for (const id of data.customerIds as string[]) {
        const views = entry(id);
        for (const { field, view } of data.fields as Disclosure[])
          (view === 'full' ? views.clear : views.masked).add(field);
      }
    }
    return [...seen.entries()]
      .map(([customerId, { clear, masked }]) => ({
        customerId,
        clear: [...clear].sort(),
        masked: [...masked].sort(),
        actorIds: [actorId],
      }))
      .sort((a, b) => a.customerId.localeCompare(b.customerId));
  };

  beforeAll(async () => {
    db = await createTestDatabase('incidents');
    sut = await createTestApp({ databaseUrl: db.url, env: { BOOTSTRAP_ADMIN_ID: ADMIN } });
    dataSource = sut.get(DATA_SOURCE);
    const admin = await tokenFor(ADMIN);
    tokens = { ...(await registerUsers(sut, admin, ROLE_USERS)), admin };
    windowFrom = new Date(Date.now() - 1000).toISOString();
    // rep.east owns the first two customers, rep.north the third.
    for (const [index, person] of PEOPLE.entries()) {
      const owner = index < 2 ? tokens.sales : tokens.otherSales;
      const created = await as(owner)
        .post('/v1/customers', { ...person, company: '示例科技', consents: [FOLLOWUP] })
        .expect(201);
      customers.push((created.body as { id: string }).id);
    }
    const read = (token: string, id: string) =>
      http()
        .get(`/v1/customers/${id}`)
        .auth(token, { type: 'bearer' })
        .set('X-Purpose', 'sales_followup');
    // The suspected actor reads both of theirs and reveals one phone; rep.north reads theirs.
    for (const [token, id] of [
      [tokens.sales, customers[0]],
      [tokens.sales, customers[1]],
      [tokens.otherSales, customers[2]],
    ] as const) {
      await eventually(async () => {
        await read(token, id).expect(200);
      });
    }
    await as(tokens.sales)
      .post(`/v1/customers/${customers[0]}/reveal`, {
        fields: ['phone'],
        purpose: 'sales_followup',
        reason: 'incident test',
      })
      .expect(200);
  });

  afterAll(async () => {
    await sut?.close();
    await db?.drop();
  });

  it("scopes an incident to exactly the suspected actor's customers and fields", async () => {
    const expected = await fromTheLog('rep.east');
    expect(expected.map((c) => c.customerId).sort()).toEqual([customers[0], customers[1]].sort());
    expect(expected.find((c) => c.customerId === customers[0])?.clear).toContain('phone');

    const opened = await open({
      suspectedActor: 'rep.east',
      window: windowNow(),
      description: 'A sales rep laptop was stolen; the session token may have been used.',
    });
    const scope = opened.scope as Scope;
    expect(scope).toMatchObject({
      suspectedActorId: 'rep.east',
      complete: true,
      customerCount: 2,
      customersTruncated: false,
    });
    expect(scope.customers).toEqual(expected);
    expect(scope.customers.map((c) => c.customerId)).not.toContain(customers[2]);
    expect(scope.actors.map((a) => a.actorId)).toEqual(['rep.east']);
    expect(scope.actors[0]).toMatchObject({ views: 2, reveals: 1 });
    expect(scope.fields.map((f) => f.field)).toEqual(expect.arrayContaining(['name', 'phone']));
    expect(opened).toMatchObject({ status: 'open', suspectedActor: 'rep.east' });
    expectNoPersonalValue(JSON.stringify(opened));

    // The scope is a fixed record: it is in the opened event, and GET answers the same.
    const [event] = await dataSource.query<{ data: { scope: Scope } }[]>(
      `SELECT data FROM events WHERE type = 'IncidentOpened' AND data->>'incidentId' = $1`,
      [opened.id],
    );
    expect(event?.data.scope).toEqual(scope);
    expectNoPersonalValue(JSON.stringify(event));
    const fetched = await as(tokens.auditor)
      .get(`/v1/incidents/${String(opened.id)}`)
      .expect(200);
    expect((fetched.body as Body).scope).toEqual(scope);
  });

  it('without a suspected actor, scopes every actor of the window', async () => {
    const opened = await open({ window: windowNow(), description: 'Unexplained read volume' });
    const scope = opened.scope as Scope;
    expect(scope.suspectedActorId).toBeNull();
    expect(scope.customers.map((c) => c.customerId).sort()).toEqual([...customers].sort());
    expect(scope.customers.find((c) => c.customerId === customers[2])?.actorIds).toEqual([
      'rep.north',
    ]);
    expect(scope.actors.map((a) => a.actorId)).toEqual(['rep.east', 'rep.north']);
  });

  it('sets the deadlines: GDPR 72 hours after awareness, PIPL at awareness (immediately)', async () => {
    const awareAt = new Date(Date.now() - 80 * HOUR).toISOString();
    const opened = await open({
      window: { from: new Date(Date.now() - 96 * HOUR).toISOString(), to: windowNow().to },
      awareAt,
      description: 'Reported late by a partner',
    });
    expect(opened.awareAt).toBe(awareAt);
    expect(opened.deadlines).toEqual([
      expect.objectContaining({
        regime: 'GDPR',
        dueAt: new Date(Date.parse(awareAt) + 72 * HOUR).toISOString(),
        overdue: true,
      }),
      expect.objectContaining({ regime: 'PIPL', dueAt: awareAt, overdue: true }),
    ]);
  });

  it('moves forward only: 409 problem+json going back or staying, 400 skipping without a note', async () => {
    const { id } = await open({ window: windowNow(), description: 'Walk the lifecycle' });
    const status = (body: object) => dpo().post(`/v1/incidents/${String(id)}/status`, body);

    const stay = await status({ status: 'open' }).expect(409).expect('Content-Type', PROBLEM);
    expect(stay.body).toMatchObject({ code: 'INCIDENT.INVALID_TRANSITION' });
    const skip = await status({ status: 'notified' }).expect(400).expect('Content-Type', PROBLEM);
    expect(skip.body).toMatchObject({
      code: 'INCIDENT.REASON_REQUIRED',
      errors: [{ field: 'note' }],
    });

    await status({ status: 'contained', note: 'token revoked' })
      .expect(200)
      .expect((res) => expect(res.body).toMatchObject({ status: 'contained' }));
    const back = await status({ status: 'open' }).expect(409).expect('Content-Type', PROBLEM);
    expect(back.body).toMatchObject({ code: 'INCIDENT.INVALID_TRANSITION', status: 409 });
    await status({ status: 'notified' }).expect(200);
    const notified = await status({ status: 'closed' }).expect(200);
    expect(
      (notified.body as { history: { status: string; note: string | null }[] }).history,
    ).toEqual([
      expect.objectContaining({ status: 'open', note: null }),
      expect.objectContaining({ status: 'contained', note: 'token revoked' }),
      expect.objectContaining({ status: 'notified' }),
      expect.objectContaining({ status: 'closed' }),
    ]);
    expect((notified.body as { deadlines: { overdue: boolean }[] }).deadlines).toEqual([
      expect.objectContaining({ overdue: false }),
      expect.objectContaining({ overdue: false }),
    ]);
    await status({ status: 'contained' }).expect(409).expect('Content-Type', PROBLEM);

    // Closing straight from open needs a note saying why.
    const other = await open({ window: windowNow(), description: 'False alarm' });
    await dpo()
      .post(`/v1/incidents/${String(other.id)}/status`, {
        status: 'closed',
        note: 'the reads were the rep’s own customers',
      })
      .expect(200);
  });

  it.each([
    ['description', { window: { from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' } }],
    ['window', { description: 'no window' }],
    [
      'window.from',
      { description: 'x', window: { from: 'yesterday', to: '2026-01-02T00:00:00Z' } },
    ],
    [
      'window.to',
      { description: 'x', window: { from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' } },
    ],
    [
      'window.to',
      { description: 'x', window: { from: '2026-01-01T00:00:00Z', to: '2999-01-01T00:00:00Z' } },
    ],
    ['suspectedActor', { suspectedActor: 'rep east', description: 'x', window: {} }],
    [
      'description',
      {
        description: `customer ${PEOPLE[0].phone} was exported`,
        window: { from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' },
      },
    ],
    [
      'extra',
      {
        extra: 1,
        description: 'x',
        window: { from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' },
      },
    ],
  ])('answers 400 problem+json naming %s', async (field, body) => {
    const res = await dpo().post('/v1/incidents', body).expect(400).expect('Content-Type', PROBLEM);
    const errors = (res.body as { errors: { field: string }[] }).errors;
    expect(errors.map((error) => error.field)).toContain(field);
    expectNoPersonalValue(res.text);
  });

  it('answers 400 for a bad status or id, and 404 for an unknown incident', async () => {
    const { id } = await open({ window: windowNow(), description: 'Bad transitions' });
    const res = await dpo()
      .post(`/v1/incidents/${String(id)}/status`, { status: 'resolved' })
      .expect(400)
      .expect('Content-Type', PROBLEM);
    expect(res.body).toMatchObject({ errors: [expect.objectContaining({ field: 'status' })] });
    await dpo().get('/v1/incidents/not-an-id').expect(400).expect('Content-Type', PROBLEM);
    await dpo()
      .get('/v1/incidents/00000000-0000-7000-8000-000000000000')
      .expect(404)
      .expect('Content-Type', PROBLEM);
    await dpo()
      .post('/v1/incidents/00000000-0000-7000-8000-000000000000/status', { status: 'contained' })
      .expect(404)
      .expect('Content-Type', PROBLEM);
  });

  it('lists incidents newest first for the auditor and the DPO, with scope counts only', async () => {
    const { id } = await open({
      suspectedActor: 'rep.east',
      window: windowNow(),
      description: 'Listed',
    });
    const listed = await eventually(async () => {
      const res = await as(tokens.auditor).get('/v1/incidents?status=open&limit=200').expect(200);
      const items = (res.body as { items: Body[] }).items;
      expect(items[0]?.id).toBe(id);
      return items[0];
    });
    expect(listed).toMatchObject({
      status: 'open',
      suspectedActor: 'rep.east',
      openedBy: 'dpo',
      scope: { customerCount: 2, actorIds: ['rep.east'], complete: true },
    });
    expect(listed).not.toHaveProperty('description');
    const page = await dpo().get('/v1/incidents?limit=1').expect(200);
    expect((page.body as { next: string | null }).next).not.toBeNull();
    await dpo().get('/v1/incidents?cursor=bm9wZQ').expect(400).expect('Content-Type', PROBLEM);
  });

  it('answers 403 to the roles that may not', async () => {
    const body = { window: windowNow(), description: 'Not yours to open' };
    for (const role of ['sales', 'salesManager', 'finance', 'auditor', 'admin'] as const) {
      const res = await as(tokens[role]).post('/v1/incidents', body);
      expect([role, res.status]).toEqual([role, 403]);
      expect(res.headers['content-type']).toMatch(PROBLEM);
    }
    const { id } = await open(body);
    for (const role of ['sales', 'salesManager', 'finance', 'admin'] as const) {
      for (const path of ['/v1/incidents', `/v1/incidents/${String(id)}`]) {
        const res = await as(tokens[role]).get(path);
        expect([role, path, res.status]).toEqual([role, path, 403]);
      }
    }
    const move = await as(tokens.auditor).post(`/v1/incidents/${String(id)}/status`, {
      status: 'contained',
    });
    expect(move.status).toBe(403);
  });
});
