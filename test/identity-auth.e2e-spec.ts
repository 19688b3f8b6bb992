import { Controller, Get } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { currentContext } from '@custodia/platform';
import { createTestDatabase, type TestDatabase } from '@custodia/testing';
import { currentActor } from '../apps/api/src/auth/actor-context';
import { brokenTokens, tokenFor } from './support/identity-tokens';
import { registerUsers, ROLE_USERS } from './support/identity-users';
import { createTestApp } from './support/test-app';

/** Behind the AuthGuard like a real route: shows what the request context carries. */
@Controller('test-only')
class WhoAmIController {
  @Get('context')
  context(): Record<string, unknown> {
    return { actorId: currentContext()?.actorId, actor: currentActor() };
  }
}

const PROBLEM = /^application\/problem\+json/;
const ADMIN = 'root';

describe('Authentication at the HTTP edge', () => {
  let db: TestDatabase;
  let sut: NestExpressApplication;
  let admin: string;
  let tokens: Record<keyof typeof ROLE_USERS, string>;

  const get = (path: string, token?: string): request.Test => {
    const req = request(sut.getHttpServer()).get(path);
    return token === undefined ? req : req.set('Authorization', `Bearer ${token}`);
  };

  beforeAll(async () => {
    db = await createTestDatabase('identity-auth');
    sut = await createTestApp({
      databaseUrl: db.url,
      env: { BOOTSTRAP_ADMIN_ID: ADMIN },
      controllers: [WhoAmIController],
      authenticate: true,
    });
    admin = await tokenFor(ADMIN);
    tokens = await registerUsers(sut, admin, ROLE_USERS);
  });

  afterAll(async () => {
    await sut?.close();
    await db?.drop();
  });

  it('lets the bootstrap admin in with a token whose subject is its id', async () => {
    const res = await get('/v1/me', admin).expect(200);
    expect(res.body).toEqual({ id: ADMIN, roles: ['admin'], team: null });
  });

  it('takes roles and team from the user directory, not the token', async () => {
    const res = await get('/v1/me', tokens.salesManager).expect(200);
    expect(res.body).toEqual({ id: 'mgr.east', roles: ['sales_manager'], team: 'east' });
  });

  it('refuses a missing, malformed or non-bearer Authorization header with one 401', async () => {
    const answers = [
      await get('/v1/me'),
      await get('/v1/me').set('Authorization', 'Bearer not-a-jwt'),
      await get('/v1/me').set('Authorization', 'Bearer a.b.c'),
      await get('/v1/me').set(
        'Authorization',
        `Basic ${Buffer.from('root:pw').toString('base64')}`,
      ),
      await get('/v1/me').set('Authorization', `bearer${admin}`),
    ];
    for (const res of answers) {
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.headers['www-authenticate']).toBe('Bearer');
      expect(res.body).toMatchObject({ status: 401, code: 'AUTH.UNAUTHENTICATED' });
    }
  });

  it('refuses expired, unsigned, wrongly signed, tampered and unknown-user tokens alike', async () => {
    const details = new Set<string>();
    for (const [kind, token] of Object.entries(await brokenTokens(ROLE_USERS.sales.id))) {
      const res = await get('/v1/me', token);
      expect({ kind, status: res.status }).toEqual({ kind, status: 401 });
      expect(res.headers['content-type']).toMatch(PROBLEM);
      details.add(JSON.stringify({ ...res.body, instance: undefined }));
    }
    // The same answer whatever was wrong: nothing tells a caller which check failed.
    expect(details.size).toBe(1);
  });

  it('keeps /health, /metrics, /docs and /docs-json public', async () => {
    await get('/health').expect(200);
    await get('/metrics').expect(200);
    await get('/docs-json').expect(200);
    await request(sut.getHttpServer()).get('/docs').redirects(1).expect(200);
  });

  it('documents the user routes with bearer authentication in /docs-json', async () => {
    const res = await get('/docs-json').expect(200);
    const paths = res.body.paths as Record<string, Record<string, { security?: unknown }>>;
    expect(Object.keys(paths)).toEqual(
      expect.arrayContaining([
        '/v1/users',
        '/v1/users/{id}',
        '/v1/users/{id}/offboarding',
        '/v1/me',
      ]),
    );
    expect(paths['/v1/users']?.post?.security).toEqual([{ bearer: [] }]);
    expect(res.body.components.securitySchemes.bearer).toMatchObject({ scheme: 'bearer' });
  });

  it('puts the actor (id, roles, team) into the request context', async () => {
    const res = await get('/v1/test-only/context', tokens.sales).expect(200);
    expect(res.body).toEqual({
      actorId: 'rep.east',
      actor: { userId: 'rep.east', roles: ['sales'], team: 'east' },
    });
  });

  it('answers 403 problem+json when the roles do not allow the route', async () => {
    const res = await get('/v1/users/fin', tokens.finance)
      .expect(403)
      .expect('Content-Type', PROBLEM);
    expect(res.body).toMatchObject({ status: 403, code: 'AUTH.FORBIDDEN' });
  });

  it('applies a role change on the very next request, with the same token', async () => {
    const put = (roles: string[]) =>
      request(sut.getHttpServer())
        .put('/v1/users/aud/roles')
        .set('Authorization', `Bearer ${admin}`)
        .send({ roles })
        .expect(204);
    await get('/v1/users/fin', tokens.auditor).expect(403);
    await put(['auditor', 'admin']);
    await get('/v1/users/fin', tokens.auditor).expect(200);
    await put(['auditor']);
    await get('/v1/users/fin', tokens.auditor).expect(403);
  });

  it('refuses an offboarded user on the next request, whatever the token says', async () => {
    await get('/v1/me', tokens.dpo).expect(200);
    const res = await request(sut.getHttpServer())
      .post('/v1/users/dpo/offboarding')
      .set('Authorization', `Bearer ${admin}`)
      .send({})
      .expect(201);
    expect(res.body).toMatchObject({ id: 'dpo', offboarded: true });
    const refused = await get('/v1/me', tokens.dpo).expect(401);
    expect(refused.body.code).toBe('AUTH.UNAUTHENTICATED');
    await get('/v1/me', await tokenFor('dpo')).expect(401); // a fresh token does not help
  });
});
