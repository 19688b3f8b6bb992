import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE } from '@custodia/runtime';
import { aMobile, createTestDatabase, type TestDatabase } from '@custodia/testing';
import { eventually } from './support/eventually';
import { tokenFor } from './support/identity-tokens';
import { registerUsers, ROLE_USERS, type TestUser } from './support/identity-users';
import { createTestApp } from './support/test-app';

/*
 * The boundaries the authorization matrix (authorization-matrix.e2e-spec.ts) does not walk:
 * the matrix already checks every customer route by id for a rep of another team (404, nothing
 * appended), the export filter `ownerId`, the list filter `ownerId` and the admin's masked views
 * for the natural purpose. Here: an ex-employee's still-valid token on every route; another
 * team's customer through cursors, the other list and export filters and the blind index; and
 * the admin under every purpose of the catalog.
 */

const ADMIN = 'root';
const PROBLEM = /^application\/problem\+json/;
const FOLLOWUP = { purpose: 'sales_followup', noticeVersion: 'general-2025-06', channel: 'web' };
const LEAVER = {
  id: 'rep.east.gone',
  displayName: '陈离',
  roles: ['sales'],
  team: 'east',
} as const satisfies TestUser;
const DAY = 86_400_000;

type Person = { name: string; phone: string; email: string; wechat: string; summary: string };
const person = (n: number, name: string): Person => ({
  name,
  phone: aMobile(50_000 + n),
  email: `boundary.person${n}@example.com`,
  wechat: `wx_boundary_${n}`,
  summary: `边界客户${n}的年度报价`,
});
/** The north team's customers (rep.north), and one of rep.east's for contrast. */
const NORTH = [person(1, '诸葛北一'), person(2, '慕容北二'), person(3, '上官北三')];
const EAST = person(4, '东方东四');

describe('authorization boundaries', () => {
  let db: TestDatabase;
  let sut: NestExpressApplication;
  let dataSource: DataSource;
  let tokens: Record<keyof typeof ROLE_USERS | 'leaver' | 'admin', string>;
  let northIds: string[];
  let eastId: string;

  const http = () => request(sut.getHttpServer());
  const get = (token: string, path: string, purpose = 'sales_followup') =>
    http().get(path).auth(token, { type: 'bearer' }).set('X-Purpose', purpose);
  const call = (method: string, path: string): request.Test => {
    switch (method) {
      case 'get':
        return http().get(path);
      case 'put':
        return http().put(path);
      case 'patch':
        return http().patch(path);
      case 'delete':
        return http().delete(path);
      default:
        return http().post(path);
    }
  };
  const post = (token: string, path: string, body: object) =>
    http().post(path).auth(token, { type: 'bearer' }).send(body);
  const eventCount = async (): Promise<number> => {
    const [row] = await dataSource.query<{ n: number }[]>('SELECT count(*)::int AS n FROM events');
    return row?.n ?? -1;
  };
  const ids = (res: request.Response): string[] =>
    ((res.body as { items?: { id: string }[] }).items ?? []).map((item) => item.id);

  /** No full value, and no id, of any north customer. */
  const expectNothingOfNorth = (text: string) => {
    for (const [index, p] of NORTH.entries()) {
      for (const value of [northIds[index] ?? '', p.name, p.phone, p.email, p.wechat, p.summary]) {
        expect(text).not.toContain(value);
      }
    }
  };

  const register = async (token: string, p: Person, nextFollowUpAt: string): Promise<string> => {
    const { summary, ...profile } = p;
    const res = await post(token, '/v1/customers', {
      ...profile,
      company: '边界公司',
      consents: [FOLLOWUP],
    }).expect(201);
    const id = (res.body as { id: string }).id;
    await post(token, `/v1/customers/${id}/follow-ups`, {
      purpose: 'sales_followup',
      channel: 'call',
      occurredAt: new Date().toISOString(),
      summary,
      nextFollowUpAt,
    }).expect(201);
    return id;
  };

  /** Exports as CSV text (or the problem+json text of a refusal). */
  const exportAs = (token: string, body: object) =>
    post(token, '/v1/exports', body)
      .buffer(true)
      .parse((response, done) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        response.on('end', () => done(null, text));
      });

  beforeAll(async () => {
    db = await createTestDatabase('authorization-boundaries');
    // No periodic tree head: the log must stay still while refused requests are counted.
    sut = await createTestApp({
      databaseUrl: db.url,
      env: { BOOTSTRAP_ADMIN_ID: ADMIN, TREE_HEAD_INTERVAL_MS: '0' },
    });
    dataSource = sut.get(DATA_SOURCE);
    const admin = await tokenFor(ADMIN);
    const users = await registerUsers(sut, admin, { ...ROLE_USERS, leaver: LEAVER });
    tokens = { ...users, admin };
    const soon = (days: number) => new Date(Date.now() + days * DAY).toISOString();
    northIds = [];
    for (const [index, p] of NORTH.entries()) {
      northIds.push(await register(tokens.otherSales, p, soon(index + 1)));
    }
    eastId = await register(tokens.sales, EAST, soon(2));
    // The leaver had a customer of their own, then left.
    await register(tokens.leaver, person(5, '离职客户'), soon(3));
    await eventually(async () => {
      const listed = await get(admin, '/v1/customers?limit=100', 'customer_administration');
      expect(ids(listed)).toHaveLength(NORTH.length + 2);
    });
    await post(admin, `/v1/users/${LEAVER.id}/offboard`, {}).expect(200);
  }, 60_000);

  afterAll(async () => {
    await sut?.close();
    await db?.drop();
  });

  describe('an ex-employee’s token, still valid by its signature and expiry', () => {
    it('is refused with 401 problem+json on every /v1 route, and nothing is appended', async () => {
      const docs = await http().get('/docs-json').expect(200);
      const paths = (docs.body as { paths: Record<string, Record<string, unknown>> }).paths;
      const routes = Object.entries(paths).flatMap(([path, operations]) =>
        Object.keys(operations).map((method) => [method, path] as const),
      );
      const v1 = routes.filter(([, path]) => path.startsWith('/v1/'));
      expect(v1.length).toBeGreaterThan(40);
      const fresh = await tokenFor(LEAVER.id); // minted after the exit: no better
      const before = await eventCount();
      const refused: string[] = [];
      for (const [method, template] of v1) {
        const path = template
          .replace('{id}', eastId)
          .replace('{purpose}', 'sales_followup')
          .replace(/\{\w+\}/g, '00000000-0000-7000-8000-000000000000');
        for (const token of [tokens.leaver, fresh]) {
          const res = await call(method, path)
            .auth(token, { type: 'bearer' })
            .set('X-Purpose', 'sales_followup')
            .send(method === 'get' || method === 'delete' ? undefined : {});
          const ok =
            res.status === 401 &&
            PROBLEM.test(String(res.headers['content-type'])) &&
            (res.body as { code?: string }).code === 'AUTH.UNAUTHENTICATED';
          if (!ok) refused.push(`${method.toUpperCase()} ${template} → ${res.status}`);
        }
      }
      expect(refused).toEqual([]);
      expect(await eventCount()).toBe(before);
    });
  });

  describe('a sales rep and another team’s customers', () => {
    it('by a list cursor taken from the other rep’s own listing: nothing of theirs', async () => {
      const theirs = await get(tokens.otherSales, '/v1/customers?limit=1').expect(200);
      const cursor = (theirs.body as { nextCursor: string | null }).nextCursor;
      expect(cursor).not.toBeNull();
      const res = await get(
        tokens.sales,
        `/v1/customers?limit=100&cursor=${encodeURIComponent(cursor ?? '')}`,
      );
      expect([200]).toContain(res.status);
      expectNothingOfNorth(res.text);
    });

    it('by a crafted cursor (before every id, before each of theirs, in date order): nothing of theirs', async () => {
      const encode = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
      const window =
        `nextFollowUpFrom=${encodeURIComponent(new Date(Date.now() - DAY).toISOString())}` +
        `&nextFollowUpTo=${encodeURIComponent(new Date(Date.now() + 30 * DAY).toISOString())}`;
      const queries = [
        `cursor=${encode('00000000-0000-0000-0000-000000000000')}`,
        ...northIds.map((id) => `cursor=${encode(id)}`),
        `${window}&cursor=${encode('d.0.00000000-0000-0000-0000-000000000000')}`,
        ...northIds.map((id) => `${window}&cursor=${encode(`d.0.${id}`)}`),
      ];
      for (const token of [tokens.sales, tokens.salesManager]) {
        for (const query of queries) {
          const res = await get(token, `/v1/customers?limit=100&${query}`);
          // A position the caller never saw is only a position: the scope still applies.
          expect([200, 400]).toContain(res.status);
          expectNothingOfNorth(res.text);
        }
      }
      // The crafted cursor does find the caller's own customer: the query did run.
      const own = await get(
        tokens.sales,
        `/v1/customers?limit=100&cursor=${encode('00000000-0000-0000-0000-000000000000')}`,
      ).expect(200);
      expect(ids(own)).toEqual([eastId]);
    });

    it('by the list filters team and owner, and a next follow-up window: nothing of theirs', async () => {
      const window = `nextFollowUpFrom=${encodeURIComponent(new Date(Date.now() - DAY).toISOString())}`;
      for (const token of [tokens.sales, tokens.salesManager]) {
        for (const query of ['team=north', 'ownerId=rep.north&team=north', window]) {
          const res = await get(token, `/v1/customers?limit=100&${query}`).expect(200);
          expectNothingOfNorth(res.text);
        }
      }
    });

    it('by an export filter (team, owner and team, a date window, none): nothing of theirs', async () => {
      const filters = [
        { team: 'north' },
        { ownerId: 'rep.north', team: 'north' },
        { nextFollowUpFrom: new Date(Date.now() - DAY).toISOString() },
        undefined,
      ];
      for (const token of [tokens.sales, tokens.salesManager]) {
        for (const filter of filters) {
          const res = await exportAs(token, {
            purpose: 'sales_followup',
            fields: ['name', 'phone', 'email', 'wechat', 'company'],
            ...(filter === undefined ? {} : { filter }),
          });
          expect(res.status).toBeLessThan(300);
          expectNothingOfNorth(res.body as string);
        }
      }
      // The export itself works: the rep's own customer is in it.
      const own = await exportAs(tokens.sales, { purpose: 'sales_followup', fields: ['name'] });
      expect(own.body as string).toContain(eastId);
      // A filter on something the export does not filter by is refused, not ignored.
      const res = await exportAs(tokens.sales, {
        purpose: 'sales_followup',
        fields: ['name'],
        filter: { customerId: northIds[0], phone: NORTH[0]?.phone },
      });
      expect(res.status).toBe(400);
      expectNothingOfNorth(res.body as string);
    });

    it('by a blind-index lookup (phone or e-mail, exact match): the same empty answer as a number no one has', async () => {
      const [north] = NORTH;
      if (north === undefined) throw new Error('no north customer');
      const nobody = await get(tokens.sales, `/v1/customers?phone=${aMobile(59_999)}`).expect(200);
      expect(nobody.body).toEqual({ items: [], nextCursor: null });
      const spaced = `+86 ${north.phone.slice(0, 3)} ${north.phone.slice(3, 7)} ${north.phone.slice(7)}`;
      for (const token of [tokens.sales, tokens.salesManager]) {
        for (const query of [
          `phone=${north.phone}`,
          `phone=${encodeURIComponent(spaced)}`,
          `email=${encodeURIComponent(north.email)}`,
          `email=${encodeURIComponent(north.email.toUpperCase())}`,
        ]) {
          const res = await get(token, `/v1/customers?${query}`).expect(200);
          // No oracle: "is this number a customer of another team?" answers like a stranger.
          expect(res.body).toEqual(nobody.body);
        }
      }
      // The lookup itself works: the owner finds the customer by the same number.
      const owner = await get(tokens.otherSales, `/v1/customers?phone=${north.phone}`).expect(200);
      expect(ids(owner)).toEqual([northIds[0]]);
    });

    it('through the audit routes by customer id: refused (those are the auditor’s and DPO’s)', async () => {
      const id = northIds[0] ?? '';
      for (const path of [
        `/v1/audit/access?customerId=${id}`,
        `/v1/audit/exposure?customerId=${id}&at=${encodeURIComponent(new Date().toISOString())}`,
      ]) {
        const res = await get(tokens.sales, path).expect(403);
        expect(res.headers['content-type']).toMatch(PROBLEM);
        expectNothingOfNorth(res.text);
      }
    });
  });

  describe('an admin', () => {
    it('cannot grant themselves a role that reveals (dpo): 403, nothing appended', async () => {
      const before = await eventCount();
      const res = await http()
        .put(`/v1/users/${ADMIN}/roles`)
        .auth(tokens.admin, { type: 'bearer' })
        .send({ roles: ['admin', 'dpo'] })
        .expect(403);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body).toMatchObject({ code: 'IDENTITY.FORBIDDEN' });
      expect(await eventCount()).toBe(before);
      const me = await get(tokens.admin, '/v1/me').expect(200);
      expect((me.body as { roles: string[] }).roles).toEqual(['admin']);
      // Another user's roles remain the admin's to change.
      await http()
        .put(`/v1/users/${ROLE_USERS.finance.id}/roles`)
        .auth(tokens.admin, { type: 'bearer' })
        .send({ roles: ['finance', 'auditor'] })
        .expect(204);
    });

    it('sees masked values only, under every purpose of the catalog, on every customer read', async () => {
      const catalog = await get(tokens.admin, '/v1/purposes').expect(200);
      const purposes = (catalog.body as { items?: { id: string }[] }).items?.map((p) => p.id) ?? [];
      expect(purposes.length).toBeGreaterThan(3);
      const northId = northIds[0] ?? '';
      const allowed: string[] = [];
      for (const purpose of purposes) {
        const answers = {
          'GET list': await get(tokens.admin, '/v1/customers?limit=100', purpose),
          'GET one': await get(tokens.admin, `/v1/customers/${northId}`, purpose),
          'GET follow-ups': await get(tokens.admin, `/v1/customers/${northId}/follow-ups`, purpose),
          'GET consents': await get(tokens.admin, `/v1/customers/${northId}/consents`, purpose),
          'POST reveal': await post(tokens.admin, `/v1/customers/${northId}/reveal`, {
            fields: ['name', 'phone'],
            purpose,
            reason: 'admin boundary test',
          }),
          'POST export': await exportAs(tokens.admin, { purpose, fields: ['name', 'phone'] }),
        };
        for (const [what, res] of Object.entries(answers)) {
          expect({ what, purpose, serverError: res.status >= 500 }).toEqual({
            what,
            purpose,
            serverError: false,
          });
          if (res.status < 300) allowed.push(`${purpose} ${what}`);
          const text = typeof res.body === 'string' ? res.body : res.text;
          for (const p of [...NORTH, EAST]) {
            for (const value of [p.name, p.phone, p.email, p.wechat, p.summary]) {
              expect(text).not.toContain(value);
            }
          }
        }
      }
      // Only reads under the admin's own purpose get through; a reveal and an export never do.
      expect(allowed.every((line) => line.startsWith('customer_administration GET'))).toBe(true);
      expect(allowed.length).toBeGreaterThan(0);
    });
  });
});
