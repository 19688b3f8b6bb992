import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { CLOCK, type Clock } from '@custodia/platform';
import { DATA_SOURCE } from '@custodia/runtime';
import { aMobile, createTestDatabase, type TestDatabase } from '@custodia/testing';
import { RetentionSweeper } from '../apps/api/src/privacy-retention/retention.sweeper';
import { tokenFor } from './support/identity-tokens';
import { registerUsers, ROLE_USERS } from './support/identity-users';
import { createTestApp } from './support/test-app';
import { eventually } from './support/eventually';

const ADMIN = 'root';
// sales_followup keeps data for P2Y in config/purposes.json.
const FOLLOWUP = { purpose: 'sales_followup', noticeVersion: 'general-2025-06', channel: 'web' };
const DAY = 86_400_000;

type Listed = { items: Record<string, unknown>[] };

describe(RetentionSweeper.name, () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let sut: RetentionSweeper;
  let dataSource: DataSource;
  let tokens: Record<keyof typeof ROLE_USERS | 'admin', string>;
  // The fake clock: the app reads time only through CLOCK, so the test moves it by hand.
  const start = Date.now();
  let offsetMs = 0;
  const clock: Clock = { now: () => new Date(start + offsetMs) };

  const http = () => request(app.getHttpServer());
  const as = (token: string) => ({
    get: (path: string) => http().get(path).auth(token, { type: 'bearer' }),
    post: (path: string, body: object = {}) =>
      http().post(path).auth(token, { type: 'bearer' }).send(body),
    delete: (path: string) => http().delete(path).auth(token, { type: 'bearer' }),
  });
  const register = async (name: string, seed: number): Promise<string> =>
    (
      (
        await as(tokens.sales)
          .post('/v1/customers', { name, phone: aMobile(seed), consents: [FOLLOWUP] })
          .expect(201)
      ).body as { id: string }
    ).id;
  const requestsOf = async (customerId: string): Promise<Record<string, unknown>[]> =>
    (
      (await as(tokens.dpo).get(`/v1/privacy-requests?customerId=${customerId}`).expect(200))
        .body as Listed
    ).items;
  /** Waits until the consent read model shows `expected` rows for the customers. */
  const consentsProjected = (customerIds: readonly string[], expected: string[]) =>
    eventually(async () => {
      const rows: { status: string }[] = await dataSource.query(
        `SELECT status FROM access_customer_consents
          WHERE customer_id = ANY($1::uuid[]) ORDER BY customer_id`,
        [customerIds],
      );
      expect(rows.map((row) => row.status).sort()).toEqual([...expected].sort());
    });

  beforeAll(async () => {
    db = await createTestDatabase('retention');
    app = await createTestApp({
      databaseUrl: db.url,
      env: { BOOTSTRAP_ADMIN_ID: ADMIN },
      decorate: [{ token: CLOCK, inject: [], useFactory: () => clock }],
    });
    sut = app.get(RetentionSweeper);
    dataSource = app.get(DATA_SOURCE);
    const admin = await tokenFor(ADMIN);
    tokens = { ...(await registerUsers(app, admin, ROLE_USERS)), admin };
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('opens one erasure request when retention ends or the last consent goes; holds defer it', async () => {
    const expiring = await register('陈到期', 11_000_001);
    const held = await register('冯保全', 11_000_002);
    const withdrawn = await register('郑撤回', 11_000_003);
    await as(tokens.dpo)
      .post(`/v1/customers/${held}/legal-holds`, { reason: 'Pending lawsuit', basis: 'litigation' })
      .expect(201);
    await as(tokens.sales)
      .delete(`/v1/customers/${withdrawn}/consents/sales_followup?channel=phone`)
      .expect((res) => expect(res.status).toBeLessThan(300));
    await consentsProjected([expiring, held, withdrawn], ['active', 'active', 'withdrawn']);

    // Within the period: only the customer whose last consent was withdrawn is due, at once.
    expect(await sut.sweepOnce()).toMatchObject({ opened: 1, deferred: 0 });
    expect(await requestsOf(withdrawn)).toEqual([
      expect.objectContaining({ customerId: withdrawn, type: 'erasure', state: 'received' }),
    ]);
    expect(await requestsOf(expiring)).toEqual([]);

    // A year on, a new customer arrives; a year and a day later the first two have expired.
    offsetMs = 366 * DAY;
    const recent = await register('褚新客', 11_000_004);
    await consentsProjected([recent], ['active']);
    offsetMs = 2 * 365 * DAY + 2 * DAY;
    const counts = await sut.sweepOnce();
    expect(counts).toMatchObject({ opened: 2, deferred: 1, skipped: 1, failed: 0 });

    const [opened] = await requestsOf(expiring);
    expect(await requestsOf(expiring)).toHaveLength(1);
    expect(opened).toMatchObject({ type: 'erasure', regime: 'PIPL', state: 'received' });
    expect(Date.parse(opened?.receivedAt as string)).toBe(start + offsetMs);
    const deferred = await requestsOf(held);
    expect(deferred).toEqual([
      expect.objectContaining({
        type: 'erasure',
        state: 'deferred',
        holdIds: [expect.any(String)],
      }),
    ]);
    expect(await requestsOf(recent)).toEqual([]);

    // Another sweep (any replica) opens nothing more.
    expect(await sut.sweepOnce()).toMatchObject({ opened: 0, skipped: 3 });
    for (const customerId of [expiring, held, withdrawn]) {
      expect(await requestsOf(customerId)).toHaveLength(1);
    }
  });

  it('records the sweep as its own actor, never as a person', async () => {
    const rows: { actor: string }[] = await dataSource.query(
      `SELECT DISTINCT data->>'actorId' AS actor FROM events WHERE type = 'PrivacyRequestReceived'`,
    );
    expect(rows.map((row) => row.actor)).toEqual(['$retention-sweep']);
  });
});
