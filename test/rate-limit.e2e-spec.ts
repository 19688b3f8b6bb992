import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { createTestDatabase, type TestDatabase } from '@custodia/testing';
import { tokenFor } from './support/identity-tokens';
import { registerUsers, ROLE_USERS } from './support/identity-users';
import { createTestApp } from './support/test-app';

const ADMIN = 'root';
const PROBLEM = /^application\/problem\+json/;

/**
 * RATE_LIMIT_REQUESTS per RATE_LIMIT_WINDOW_MS per user (apps/api/src/http/rate-limit.guard.ts),
 * here set low. The defaults (60,000 a minute) are far above what the e2e suites and the bench
 * send, so they never meet it.
 */
describe('per-user rate limit', () => {
  let db: TestDatabase;
  let sut: NestExpressApplication;

  beforeAll(async () => {
    db = await createTestDatabase('hostile-rate-limit');
    sut = await createTestApp({
      databaseUrl: db.url,
      env: { BOOTSTRAP_ADMIN_ID: ADMIN, RATE_LIMIT_REQUESTS: '3', RATE_LIMIT_WINDOW_MS: '60000' },
    });
  }, 120_000);

  afterAll(async () => {
    await sut?.close();
    await db?.drop();
  });

  it('counts each verified user on its own, answers 429 problem+json with Retry-After', async () => {
    const admin = await tokenFor(ADMIN);
    const { sales, finance } = await registerUsers(sut, admin, {
      sales: ROLE_USERS.sales,
      finance: ROLE_USERS.finance,
    });
    const me = (token: string) =>
      request(sut.getHttpServer()).get('/v1/me').auth(token, { type: 'bearer' });
    for (let i = 0; i < 3; i += 1) await me(sales).expect(200);
    const limited = await me(sales);
    expect(limited.status).toBe(429);
    expect(limited.headers['content-type']).toMatch(PROBLEM);
    expect(limited.body).toMatchObject({ status: 429, code: 'REQUEST.RATE_LIMITED' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Same client IP, another user: its own budget (the key is the user the AuthGuard verified).
    await me(finance).expect(200);
    // A forged token for the limited user is refused as such, not counted against anyone.
    const forged = await tokenFor(
      ROLE_USERS.finance.id,
      'another-secret-0123456789abcdefghijklmnopqrst',
    );
    await me(forged).expect(401);
    await me(finance).expect(200);
    // Probes are never throttled.
    for (let i = 0; i < 5; i += 1) {
      expect((await request(sut.getHttpServer()).get('/health')).status).not.toBe(429);
    }
  });
});
