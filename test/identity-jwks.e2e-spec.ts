import type { NestExpressApplication } from '@nestjs/platform-express';
import { SignJWT } from 'jose';
import request from 'supertest';
import { createTestDatabase, type TestDatabase } from '@custodia/testing';
import { tokenFor } from './support/identity-tokens';
import {
  generateSigningKey,
  type JwksServer,
  type SigningKey,
  startJwksServer,
} from './support/jwks-server';
import { createTestApp, TEST_JWT_SECRET } from './support/test-app';

const ADMIN = 'idp-admin';

const sign = (key: SigningKey, sub: string, expiresIn: number | string = '10m'): Promise<string> =>
  new SignJWT({})
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(key.privateKey);

describe('Authentication with keys from AUTH_JWKS_URL', () => {
  let db: TestDatabase;
  let jwks: JwksServer;
  let sut: NestExpressApplication;
  let es256: SigningKey;
  let rs256: SigningKey;

  const me = (token: string) =>
    request(sut.getHttpServer()).get('/v1/me').set('Authorization', `Bearer ${token}`);

  beforeAll(async () => {
    const ec = await generateSigningKey('ec-1', 'ES256');
    const rsa = await generateSigningKey('rsa-1', 'RS256');
    es256 = ec;
    rs256 = rsa;
    jwks = await startJwksServer([ec.jwk, rsa.jwk]);
    db = await createTestDatabase('identity-jwks');
    sut = await createTestApp({
      databaseUrl: db.url,
      env: { AUTH_JWKS_URL: jwks.url, BOOTSTRAP_ADMIN_ID: ADMIN },
    });
  });

  afterAll(async () => {
    await sut?.close();
    await jwks?.close();
    await db?.drop();
  });

  it('accepts ES256 and RS256 tokens signed by a key the JWKS publishes', async () => {
    await me(await sign(es256, ADMIN)).expect(200, { id: ADMIN, roles: ['admin'], team: null });
    await me(await sign(rs256, ADMIN)).expect(200);
    expect(jwks.fetches()).toBeGreaterThanOrEqual(1);
  });

  it('refuses a token signed by another key under a published kid', async () => {
    const impostor = await generateSigningKey('ec-1', 'ES256');
    await me(await sign(impostor, ADMIN)).expect(401);
  });

  it('refuses HS256 tokens, even one signed with a secret the API once used', async () => {
    await me(await tokenFor(ADMIN, TEST_JWT_SECRET)).expect(401);
  });

  it('refuses expired tokens and unknown users', async () => {
    const res = await me(await sign(es256, ADMIN, Math.floor(Date.now() / 1000) - 600)).expect(401);
    expect(res.body.code).toBe('AUTH.UNAUTHENTICATED');
    await me(await sign(es256, 'someone-else')).expect(401);
  });
});
