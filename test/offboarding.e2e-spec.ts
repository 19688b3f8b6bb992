import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { accessEventTypes } from '@custodia/access';
import { EVENT_STORE, type EventStore } from '@custodia/event-store';
import { DATA_SOURCE } from '@custodia/runtime';
import { aMobile, createTestDatabase, type TestDatabase } from '@custodia/testing';
import { tokenFor } from './support/identity-tokens';
import { registerUsers, ROLE_USERS, type TestUser } from './support/identity-users';
import { createTestApp } from './support/test-app';

const PROBLEM = /^application\/problem\+json/;
const ADMIN = 'root';
const FOLLOWUP = { purpose: 'sales_followup', noticeVersion: 'general-2025-06', channel: 'web' };
// Unique values that must never appear in an access report.
const NAME = '欧阳娜娜';
const PHONE = aMobile(71);

const east = (id: string): TestUser => ({
  id,
  displayName: '员工',
  roles: ['sales'],
  team: 'east',
});
const EXTRA_USERS = {
  leaverA: east('rep.leave.a'),
  leaverB: east('rep.leave.b'),
  leaverC: east('rep.leave.c'),
  leaverD: east('rep.leave.d'),
  handing: east('rep.hand'),
  taking: east('rep.take'),
} as const;

describe('offboarding: offboard, access report, bulk handover', () => {
  let db: TestDatabase;
  let sut: NestExpressApplication;
  let store: EventStore;
  let dataSource: DataSource;
  let tokens: Record<keyof typeof ROLE_USERS | keyof typeof EXTRA_USERS | 'admin', string>;

  const http = () => request(sut.getHttpServer());
  const as = (token: string) => ({
    get: (path: string, purpose?: string) => {
      const req = http().get(path).auth(token, { type: 'bearer' });
      return purpose === undefined ? req : req.set('X-Purpose', purpose);
    },
    post: (path: string, body: object = {}) =>
      http().post(path).auth(token, { type: 'bearer' }).send(body),
  });

  const registerCustomer = async (
    token: string,
    n: number,
    ownerId?: string,
    name = '王小明',
  ): Promise<string> => {
    const res = await as(token)
      .post('/v1/customers', {
        name,
        phone: aMobile(n),
        consents: [FOLLOWUP],
        ...(ownerId === undefined ? {} : { ownerId }),
      })
      .expect(201);
    return (res.body as { id: string }).id;
  };

  /** Waits for the inline projector to put the customers in the directory (a read model). */
  const inDirectory = async (ids: readonly string[]): Promise<void> => {
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const rows: { n: number }[] = await dataSource.query(
        `SELECT count(*)::int AS n FROM access_customer_directory WHERE customer_id = ANY($1::uuid[])`,
        [ids],
      );
      if (rows[0]?.n === ids.length) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('customers never reached the directory');
  };

  const ownersOf = async (ids: readonly string[]): Promise<string[]> => {
    const owners: string[] = [];
    for (const id of ids) {
      const events = await store.readStream(`Customer-${id}`);
      const last = events.filter((event) => event.type === 'CustomerOwnerChanged').at(-1);
      owners.push(String(last?.data.ownerId ?? events[0]?.data.ownerId));
    }
    return owners;
  };

  /** Waits until the runner has projected every access event of the log into the timeline. */
  const projectTimeline = async (): Promise<void> => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const [{ logged, projected }]: { logged: number; projected: number }[] =
        await dataSource.query(
          `SELECT (SELECT count(*)::int FROM events WHERE type = ANY($1)) AS logged,
                  (SELECT count(DISTINCT event_id)::int FROM access_timeline
                    WHERE kind IN ('viewed', 'revealed', 'exported', 'denied')) AS projected`,
          [accessEventTypes],
        );
      if (projected >= logged) return;
      if (Date.now() > deadline) throw new Error('the access timeline did not catch up');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  beforeAll(async () => {
    db = await createTestDatabase('offboarding');
    sut = await createTestApp({ databaseUrl: db.url, env: { BOOTSTRAP_ADMIN_ID: ADMIN } });
    store = sut.get(EVENT_STORE);
    dataSource = sut.get(DATA_SOURCE);
    const admin = await tokenFor(ADMIN);
    tokens = {
      ...(await registerUsers(sut, admin, { ...ROLE_USERS, ...EXTRA_USERS })),
      admin,
    };
  });

  afterAll(async () => {
    await sut?.close();
    await db?.drop();
  });

  describe('POST /v1/users/:id/offboard', () => {
    it('ends access at once: 200 with offboardedAt, and the token fails with 401 right after', async () => {
      await as(tokens.leaverA).get('/v1/me').expect(200);
      const before = Date.now();
      const res = await as(tokens.salesManager).post('/v1/users/rep.leave.a/offboard').expect(200);
      const body = res.body as { id: string; offboardedAt: string };
      expect(body.id).toBe('rep.leave.a');
      expect(Date.parse(body.offboardedAt)).toBeGreaterThanOrEqual(before - 1000);
      await as(tokens.leaverA).get('/v1/me').expect(401);
      const stream = await store.readStream('User-rep.leave.a');
      expect(stream.map((event) => event.type).slice(-2)).toEqual([
        'UserOffboardingNoticeGiven',
        'UserOffboarded',
      ]);
      // Repeating it changes nothing and answers the same time.
      const again = await as(tokens.admin).post('/v1/users/rep.leave.a/offboard').expect(200);
      expect(again.body).toEqual(body);
      expect(await store.readStream('User-rep.leave.a')).toHaveLength(stream.length);
    });

    it('brings a pending notice forward', async () => {
      const effectiveAt = new Date(Date.now() + 7 * 24 * 3600 * 1000).toISOString();
      await as(tokens.admin).post('/v1/users/rep.leave.b/offboarding', { effectiveAt }).expect(201);
      await as(tokens.leaverB).get('/v1/me').expect(200);
      const res = await as(tokens.admin).post('/v1/users/rep.leave.b/offboard').expect(200);
      expect(Date.parse((res.body as { offboardedAt: string }).offboardedAt)).toBeLessThan(
        Date.parse(effectiveAt),
      );
      await as(tokens.leaverB).get('/v1/me').expect(401);
    });

    it('records the exit of a notice that has just taken effect, at its effective time', async () => {
      const effectiveAt = new Date(Date.now() + 1500).toISOString();
      await as(tokens.admin).post('/v1/users/rep.leave.d/offboarding', { effectiveAt }).expect(201);
      await new Promise((resolve) => setTimeout(resolve, 1700));
      await as(tokens.leaverD).get('/v1/me').expect(401);
      const res = await as(tokens.salesManager).post('/v1/users/rep.leave.d/offboard').expect(200);
      expect(res.body).toEqual({ id: 'rep.leave.d', offboardedAt: effectiveAt });
      const events = await store.readStream('User-rep.leave.d');
      expect(events.at(-1)).toMatchObject({
        type: 'UserOffboarded',
        data: { offboardedAt: effectiveAt },
      });
    });

    it.each([
      ['a sales rep', 'sales', 'rep.leave.c', 403],
      ['finance', 'finance', 'rep.leave.c', 403],
      ['the DPO', 'dpo', 'rep.leave.c', 403],
      ['a manager, for a rep of another team', 'salesManager', 'rep.north', 403],
      ['a manager, for someone not a sales rep', 'salesManager', 'fin', 403],
      ['a manager, for an unknown id', 'salesManager', 'nobody.here', 403],
      ['an admin, for an unknown id', 'admin', 'nobody.here', 404],
      ['an admin, for themselves', 'admin', ADMIN, 403],
    ] as const)('refuses %s (%s → %s: %i)', async (_, who, target, status) => {
      await as(tokens[who])
        .post(`/v1/users/${target}/offboard`)
        .expect(status)
        .expect('content-type', PROBLEM);
    });

    it('refuses a caller without a token with 401', async () => {
      await http().post('/v1/users/rep.leave.c/offboard').expect(401);
      await as(tokens.leaverC).get('/v1/me').expect(200);
    });
  });

  describe('GET /v1/users/:id/access-report', () => {
    let customerId: string;

    beforeAll(async () => {
      // rep.east views a customer twice, reveals its phone, exports its list.
      customerId = await registerCustomer(tokens.sales, 71, undefined, NAME);
      await inDirectory([customerId]);
      await as(tokens.sales).get(`/v1/customers/${customerId}`, 'sales_followup').expect(200);
      await as(tokens.sales).get(`/v1/customers/${customerId}`, 'sales_followup').expect(200);
      await as(tokens.sales)
        .post(`/v1/customers/${customerId}/reveal`, {
          fields: ['phone'],
          purpose: 'sales_followup',
          reason: 'callback requested',
        })
        .expect(200);
      await as(tokens.sales)
        .post('/v1/exports', { purpose: 'sales_followup', fields: ['name', 'phone'] })
        .expect((res) => expect(res.status).toBeLessThan(300));
      await projectTimeline();
    });

    it('shows views, reveals and exports: counts and customer ids, never a value', async () => {
      const res = await as(tokens.salesManager).get('/v1/users/rep.east/access-report').expect(200);
      expect(res.body).toMatchObject({
        actorId: 'rep.east',
        since: null,
        viewedCustomers: 1,
        views: 2,
        reveals: { count: 1, byField: { phone: 1 }, customerIds: [customerId] },
        exports: { count: 1, rows: 1, watermarks: [expect.any(String)] },
        denials: 0,
        underNotice: 0,
      });
      expect(JSON.stringify(res.body)).not.toContain(PHONE);
      expect(JSON.stringify(res.body)).not.toContain(NAME);
      expect(JSON.stringify(res.body)).not.toContain('callback requested');
    });

    it('counts from `since`, and refuses an invalid one with 400', async () => {
      const future = new Date(Date.now() + 3600_000).toISOString();
      const res = await as(tokens.admin)
        .get(`/v1/users/rep.east/access-report?since=${encodeURIComponent(future)}`)
        .expect(200);
      expect(res.body).toMatchObject({ views: 0, reveals: { count: 0 }, exports: { count: 0 } });
      await as(tokens.admin)
        .get('/v1/users/rep.east/access-report?since=yesterday')
        .expect(400)
        .expect('content-type', PROBLEM);
    });

    it.each(['admin', 'dpo', 'auditor'] as const)('is open to %s for anyone', async (who) => {
      await as(tokens[who]).get('/v1/users/rep.north/access-report').expect(200);
      await as(tokens[who]).get('/v1/users/nobody.here/access-report').expect(404);
    });

    it('is open to a manager for the reps of their team, also once they have left', async () => {
      await as(tokens.salesManager).get('/v1/users/rep.leave.a/access-report').expect(200);
    });

    it.each([
      ['a rep, for themselves', 'sales', 'rep.east'],
      ['a rep, for another rep', 'otherSales', 'rep.east'],
      ['finance', 'finance', 'rep.east'],
      ['a manager, for a rep of another team', 'salesManager', 'rep.north'],
      ['a manager, for an unknown id', 'salesManager', 'nobody.here'],
      ['a manager, for someone not a sales rep', 'salesManager', 'aud'],
    ] as const)('refuses %s with 403', async (_, who, target) => {
      await as(tokens[who])
        .get(`/v1/users/${target}/access-report`)
        .expect(403)
        .expect('content-type', PROBLEM);
    });
  });

  describe('POST /v1/customers/handover', () => {
    let handed: string[];
    let northCustomer: string;

    beforeAll(async () => {
      handed = [];
      for (const n of [81, 82, 83]) {
        handed.push(await registerCustomer(tokens.salesManager, n, 'rep.hand'));
      }
      northCustomer = await registerCustomer(tokens.otherSales, 84);
      await inDirectory([...handed, northCustomer]);
    });

    it.each([
      ['a sales rep', 'sales'],
      ['finance', 'finance'],
      ['an auditor', 'auditor'],
      ['the DPO', 'dpo'],
    ] as const)('refuses %s with 403', async (_, who) => {
      await as(tokens[who])
        .post('/v1/customers/handover', { fromOwnerId: 'rep.hand', toOwnerId: 'rep.take' })
        .expect(403)
        .expect('content-type', PROBLEM);
    });

    it.each([
      ['a missing toOwnerId', { fromOwnerId: 'rep.hand' }, 'toOwnerId'],
      ['a number', { fromOwnerId: 'rep.hand', toOwnerId: 7 }, 'toOwnerId'],
      ['the same owner', { fromOwnerId: 'rep.hand', toOwnerId: 'rep.hand' }, 'toOwnerId'],
      [
        'a new owner of another team',
        { fromOwnerId: 'rep.hand', toOwnerId: 'rep.north' },
        'ownerId',
      ],
      ['a new owner who left', { fromOwnerId: 'rep.hand', toOwnerId: 'rep.leave.a' }, 'ownerId'],
    ])('refuses %s with 400 naming the field, and moves nobody', async (_, body, field) => {
      const res = await as(tokens.salesManager)
        .post('/v1/customers/handover', body)
        .expect(400)
        .expect('content-type', PROBLEM);
      const errors = (res.body as { errors: { field: string }[] }).errors;
      expect(errors.map((error) => error.field)).toContain(field);
      expect(await ownersOf(handed)).toEqual(['rep.hand', 'rep.hand', 'rep.hand']);
    });

    it("leaves a manager's hands off other teams' customers", async () => {
      const res = await as(tokens.salesManager)
        .post('/v1/customers/handover', { fromOwnerId: 'rep.north', toOwnerId: 'rep.take' })
        .expect(200);
      expect(res.body).toEqual({ transferred: 0, failed: [] });
      expect(await ownersOf([northCustomer])).toEqual(['rep.north']);
    });

    it('moves every customer of the owner to the new one, one transfer each', async () => {
      const res = await as(tokens.salesManager)
        .post('/v1/customers/handover', { fromOwnerId: 'rep.hand', toOwnerId: 'rep.take' })
        .expect(200);
      expect(res.body).toEqual({ transferred: 3, failed: [] });
      expect(await ownersOf(handed)).toEqual(['rep.take', 'rep.take', 'rep.take']);
      const events = await store.readStream(`Customer-${handed[0]}`);
      expect(events.at(-1)).toMatchObject({
        type: 'CustomerOwnerChanged',
        metadata: { actorId: 'mgr.east' },
      });
    });

    it('lists per-customer refusals, across pages of the directory', async () => {
      // Directory rows whose streams do not exist (a stale read model): each transfer is refused.
      const ghosts: { id: string }[] = await dataSource.query(
        `INSERT INTO access_customer_directory (customer_id, owner_id, team, registered_at, updated_at)
         SELECT gen_random_uuid(), 'rep.ghost', 'east', now(), now() FROM generate_series(1, 201)
         RETURNING customer_id::text AS id`,
      );
      const res = await as(tokens.admin)
        .post('/v1/customers/handover', { fromOwnerId: 'rep.ghost', toOwnerId: 'rep.take' })
        .expect(200);
      const body = res.body as {
        transferred: number;
        failed: { customerId: string; code: string }[];
      };
      expect(body.transferred).toBe(0);
      expect(body.failed.map((failure) => failure.customerId)).toEqual(
        ghosts.map((ghost) => ghost.id).sort(),
      );
      expect(new Set(body.failed.map((failure) => failure.code))).toEqual(
        new Set(['CUSTOMER.NOT_FOUND']),
      );
    });

    it('lets an admin hand over across teams', async () => {
      const res = await as(tokens.admin)
        .post('/v1/customers/handover', { fromOwnerId: 'rep.north', toOwnerId: 'rep.take' })
        .expect(200);
      expect(res.body).toEqual({ transferred: 1, failed: [] });
      expect(await ownersOf([northCustomer])).toEqual(['rep.take']);
    });
  });
});
