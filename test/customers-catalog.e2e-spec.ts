import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { createTestDatabase, type TestDatabase } from '@custodia/testing';
import { tokenFor } from './support/identity-tokens';
import { registerUsers, ROLE_USERS } from './support/identity-users';
import { createTestApp } from './support/test-app';

const ADMIN = 'root';

describe('/v1/purposes and /v1/notices', () => {
  let db: TestDatabase;
  let sut: NestExpressApplication;
  let tokens: Record<keyof typeof ROLE_USERS, string>;

  beforeAll(async () => {
    db = await createTestDatabase('customers-catalog');
    sut = await createTestApp({ databaseUrl: db.url, env: { BOOTSTRAP_ADMIN_ID: ADMIN } });
    tokens = await registerUsers(sut, await tokenFor(ADMIN), ROLE_USERS);
  });

  afterAll(async () => {
    await sut?.close();
    await db?.drop();
  });

  const get = (path: string, token?: string) => {
    const req = request(sut.getHttpServer()).get(path);
    return token === undefined ? req : req.auth(token, { type: 'bearer' });
  };

  it.each(Object.keys(ROLE_USERS) as (keyof typeof ROLE_USERS)[])(
    'shows the purposes and notices to %s',
    async (role) => {
      const purposes = await get('/v1/purposes', tokens[role]).expect(200);
      const ids = (purposes.body as { items: { id: string }[] }).items.map(({ id }) => id);
      expect(ids).toEqual([...ids].sort());
      expect(ids).toContain('sales_followup');
      const notices = await get('/v1/notices', tokens[role]).expect(200);
      expect((notices.body as { items: unknown[] }).items).toContainEqual({
        version: 'credit-2025-06',
        purpose: 'credit_assessment',
        language: 'zh-CN',
        sha256: 'ff919fbc15b2f29a6aec5fd54f67aeea309a91777ab513f813632e560aa28be1',
      });
    },
  );

  it('names the fields, categories and separate consent of a purpose', async () => {
    const res = await get('/v1/purposes', tokens.finance).expect(200);
    const credit = (res.body as { items: Record<string, unknown>[] }).items.find(
      (item) => item.id === 'credit_assessment',
    );
    expect(credit).toMatchObject({
      lawfulBasis: 'consent',
      requiresSeparateConsent: true,
      noticeVersions: ['credit-2025-06'],
      roles: ['sales_manager'],
    });
  });

  it('refuses a caller without a token', async () => {
    await get('/v1/purposes').expect(401);
    await get('/v1/notices').expect(401);
  });
});
