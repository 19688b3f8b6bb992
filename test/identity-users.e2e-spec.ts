import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { createTestDatabase, type TestDatabase } from '@custodia/testing';
import { OffboardingSweeper } from '../apps/api/src/users/offboarding.sweeper';
import { tokenFor } from './support/identity-tokens';
import { registerUsers, ROLE_USERS } from './support/identity-users';
import { createTestApp } from './support/test-app';

const PROBLEM = /^application\/problem\+json/;
const ADMIN = 'root';
const NEW_USER = { id: 'new.hire', displayName: '郑新人-canary', roles: ['sales'], team: 'east' };

const eventually = async (check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((done) => setTimeout(done, 100));
  }
};

describe('/v1/users', () => {
  let db: TestDatabase;
  let sut: NestExpressApplication;
  let admin: string;
  let tokens: Record<keyof typeof ROLE_USERS, string>;

  const as = (token: string) => ({
    get: (path: string) => request(sut.getHttpServer()).get(path).auth(token, { type: 'bearer' }),
    post: (path: string, body: object = {}) =>
      request(sut.getHttpServer()).post(path).auth(token, { type: 'bearer' }).send(body),
    put: (path: string, body: object) =>
      request(sut.getHttpServer()).put(path).auth(token, { type: 'bearer' }).send(body),
  });

  beforeAll(async () => {
    db = await createTestDatabase('identity-users');
    sut = await createTestApp({ databaseUrl: db.url, env: { BOOTSTRAP_ADMIN_ID: ADMIN } });
    admin = await tokenFor(ADMIN);
    tokens = await registerUsers(sut, admin, ROLE_USERS);
  });

  afterAll(async () => {
    await sut?.close();
    await db?.drop();
  });

  it('lets an admin register a user, then read them back as of now', async () => {
    await as(admin).post('/v1/users', NEW_USER).expect(201, { id: 'new.hire' });
    const res = await as(admin).get('/v1/users/new.hire').expect(200);
    expect(res.body).toEqual({
      id: 'new.hire',
      displayName: '郑新人-canary',
      roles: ['sales'],
      team: 'east',
      status: 'active',
      leavesAt: null,
      offboardedAt: null,
    });
    await as(await tokenFor('new.hire'))
      .get('/v1/me')
      .expect(200);
  });

  it('answers 409 when the id exists, without echoing the display name', async () => {
    const res = await as(admin)
      .post('/v1/users', NEW_USER)
      .expect(409)
      .expect('Content-Type', PROBLEM);
    expect(res.body).toMatchObject({ status: 409, code: 'IDENTITY.USER_EXISTS' });
    expect(res.text).not.toContain('canary');
  });

  it('refuses every role but admin with 403', async () => {
    for (const key of ['sales', 'salesManager', 'finance', 'auditor', 'dpo'] as const) {
      const res = await as(tokens[key])
        .post('/v1/users', { ...NEW_USER, id: `by-${key}` })
        .expect(403)
        .expect('Content-Type', PROBLEM);
      expect(res.body.code).toBe('AUTH.FORBIDDEN');
    }
    await as(admin).get('/v1/users/by-sales').expect(404).expect('Content-Type', PROBLEM);
  });

  it('answers 400 naming each bad field and rule, never the value', async () => {
    const res = await as(admin)
      .post('/v1/users', {
        id: 'zhao@example.com',
        displayName: '',
        roles: ['sales', 'root'],
        team: 'east',
        password: 'canary-pw',
      })
      .expect(400)
      .expect('Content-Type', PROBLEM);
    expect(res.body.code).toBe('REQUEST.VALIDATION');
    expect(res.body.errors).toEqual(
      expect.arrayContaining([
        { field: 'id', rule: 'matches' },
        { field: 'displayName', rule: 'isLength' },
        { field: 'roles', rule: 'isIn' },
        { field: 'password', rule: 'whitelistValidation' },
      ]),
    );
    expect(res.text).not.toContain('zhao@example.com');
    expect(res.text).not.toContain('canary-pw');
  });

  it('names the field when a domain rule refuses the input', async () => {
    const res = await as(admin)
      .post('/v1/users', { id: 'no.team', displayName: 'X', roles: ['sales'] })
      .expect(400);
    expect(res.body).toMatchObject({
      code: 'IDENTITY.TEAM_REQUIRED',
      errors: [{ field: 'team', rule: 'IDENTITY.TEAM_REQUIRED' }],
    });
    await as(admin).get('/v1/users/not@valid').expect(400);
  });

  it('lists the directory from the read model, without display names', async () => {
    let body: { items: { id: string }[]; next: string | null } = { items: [], next: null };
    await eventually(async () => {
      body = (await as(admin).get('/v1/users?limit=500').expect(200)).body;
      return body.items.some((item) => item.id === 'new.hire');
    });
    expect(body.items.find((item) => item.id === 'mgr.east')).toEqual({
      id: 'mgr.east',
      roles: ['sales_manager'],
      team: 'east',
      status: 'active',
      leavesAt: null,
      offboardedAt: null,
    });
    expect(JSON.stringify(body)).not.toContain('孙丽');
    const page = (await as(admin).get('/v1/users?limit=2').expect(200)).body;
    expect(page.items).toHaveLength(2);
    const next = (await as(admin).get(`/v1/users?limit=2&after=${page.next}`).expect(200)).body;
    expect(next.items[0].id > page.next).toBe(true);
  });

  it('lets a sales manager give notice to a rep of their own team only', async () => {
    const manager = as(tokens.salesManager);
    await manager.post('/v1/users/rep.north/offboarding').expect(403);
    await manager.post('/v1/users/fin/offboarding').expect(403);
    await manager.post('/v1/users/mgr.east/offboarding').expect(403);
    await as(tokens.sales).post('/v1/users/new.hire/offboarding').expect(403);
  });

  it('ends access at the effective time, and the sweep records the exit', async () => {
    const rep = as(tokens.sales);
    const effectiveAt = new Date(Date.now() + 1_500).toISOString();
    const res = await as(tokens.salesManager)
      .post('/v1/users/rep.east/offboarding', { effectiveAt })
      .expect(201);
    expect(res.body).toEqual({ id: 'rep.east', effectiveAt, offboarded: false });
    await rep.get('/v1/me').expect(200);
    await as(admin)
      .get('/v1/users/rep.east')
      .expect(200)
      .expect((r) => {
        expect(r.body).toMatchObject({ status: 'leaving', leavesAt: effectiveAt });
      });

    await new Promise((done) => setTimeout(done, Date.parse(effectiveAt) - Date.now() + 50));
    await rep.get('/v1/me').expect(401);

    const sweeper = sut.get(OffboardingSweeper);
    let recorded = 0;
    await eventually(async () => (recorded += await sweeper.sweepOnce()) > 0);
    expect(await sweeper.sweepOnce()).toBe(0); // a second sweep has nothing left to record
    const after = await as(admin).get('/v1/users/rep.east').expect(200);
    expect(after.body).toMatchObject({ status: 'offboarded', offboardedAt: effectiveAt });
  });

  it('refuses a notice in the past, and any change to an offboarded user', async () => {
    const past = await as(admin)
      .post('/v1/users/new.hire/offboarding', { effectiveAt: '2020-01-01T00:00:00Z' })
      .expect(400);
    expect(past.body.errors).toEqual([
      { field: 'effectiveAt', rule: 'IDENTITY.INVALID_EFFECTIVE_AT' },
    ]);
    const changed = await as(admin)
      .put('/v1/users/rep.east/roles', { roles: ['admin'] })
      .expect(409)
      .expect('Content-Type', PROBLEM);
    expect(changed.body.code).toBe('IDENTITY.USER_OFFBOARDED');
    await as(admin).post('/v1/users/rep.east/offboarding').expect(409);
  });

  it('does not let an admin give themselves notice', async () => {
    const res = await as(admin).post(`/v1/users/${ADMIN}/offboarding`).expect(403);
    expect(res.body.code).toBe('IDENTITY.FORBIDDEN');
  });
});
