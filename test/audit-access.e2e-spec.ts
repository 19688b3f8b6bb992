import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { aMobile, createTestDatabase, type TestDatabase } from '@custodia/testing';
import { eventually } from './support/eventually';
import { tokenFor } from './support/identity-tokens';
import { registerUsers, ROLE_USERS, type TestUser } from './support/identity-users';
import { createTestApp } from './support/test-app';

const ADMIN = 'root';
const FOLLOWUP = { purpose: 'sales_followup', noticeVersion: 'general-2025-06', channel: 'web' };
// Planted personal values: none may appear in any audit response.
const CANARY_NAME = '金丝雀审计';
const CANARY_PHONE = aMobile(61_234_567);
const CANARY_EMAIL = 'canary.audit@example.com';
const CANARY_REASON = 'CANARY-REASON 客户要求回电';
const CANARIES = [CANARY_NAME, CANARY_PHONE, CANARY_EMAIL, CANARY_REASON, 'canary.audit'];

const USERS = {
  ...ROLE_USERS,
  northManager: { id: 'mgr.north', displayName: '郑北', roles: ['sales_manager'], team: 'north' },
} as const satisfies Record<string, TestUser>;

type Entry = {
  eventId: string;
  kind: string;
  category: string;
  actorId: string;
  purpose: string | null;
  customerId: string | null;
  fields: { field: string; view?: string; change?: string }[];
  detail: Record<string, unknown> | null;
  occurredAt: string;
};
type Page = { entries: Entry[]; nextCursor: string | null };
type Exposure = {
  registered: boolean;
  erased: boolean;
  fieldsHeld: string[];
  ownerId: string | null;
  users: {
    userId: string;
    roles: string[];
    team: string | null;
    purposes: { purpose: string; fields: Record<string, string>; mayReveal: string[] }[];
  }[];
  actualAccesses: { actorId: string; kind: string; purpose: string; count: number }[];
};

const pause = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 20));
/** A moment strictly between what happened before and what happens after. */
const moment = async (): Promise<string> => {
  await pause();
  const at = new Date().toISOString();
  await pause();
  return at;
};

describe('GET /v1/audit/access and /v1/audit/exposure', () => {
  let db: TestDatabase;
  let sut: NestExpressApplication;
  let tokens: Record<keyof typeof USERS | 'admin', string>;
  let customerId: string;
  let otherCustomerId: string;
  const at: Record<'before' | 'registered' | 'ownerChanged' | 'offboarded' | 'withdrawn', string> =
    { before: '', registered: '', ownerChanged: '', offboarded: '', withdrawn: '' };
  const texts: string[] = [];

  const http = () => request(sut.getHttpServer());
  const auditGet = async (path: string, token = tokens.auditor, status = 200) => {
    const res = await http().get(path).auth(token, { type: 'bearer' }).expect(status);
    texts.push(res.text);
    return res;
  };
  const timeline = async (query: string): Promise<Entry[]> =>
    ((await auditGet(`/v1/audit/access?limit=500&${query}`)).body as Page).entries;
  const exposure = async (when: string, id = customerId): Promise<Exposure> =>
    (
      await auditGet(
        `/v1/audit/exposure?customerId=${id}&at=${encodeURIComponent(when)}`,
        tokens.dpo,
      )
    ).body as Exposure;
  const who = (report: Exposure): string[] =>
    report.users.map(
      (user) => `${user.userId}: ${user.purposes.map((purpose) => purpose.purpose).join(',')}`,
    );
  const read = (token: string, id = customerId) =>
    http()
      .get(`/v1/customers/${id}`)
      .auth(token, { type: 'bearer' })
      .set('X-Purpose', 'sales_followup');

  beforeAll(async () => {
    db = await createTestDatabase('audit-access');
    sut = await createTestApp({ databaseUrl: db.url, env: { BOOTSTRAP_ADMIN_ID: ADMIN } });
    const admin = await tokenFor(ADMIN);
    tokens = { ...(await registerUsers(sut, admin, USERS)), admin };
    at.before = await moment();
    const register = async (name: string, phone: string) =>
      (
        (
          await http()
            .post('/v1/customers')
            .auth(tokens.sales, { type: 'bearer' })
            .send({ name, phone, consents: [FOLLOWUP] })
            .expect(201)
        ).body as { id: string }
      ).id;
    customerId = await register(CANARY_NAME, CANARY_PHONE);
    otherCustomerId = await register('钱多', aMobile(7));
    await eventually(() => read(tokens.sales).expect(200));
    // Views by the rep and the manager, a reveal, a refusal (another team's rep), a change.
    await read(tokens.salesManager).expect(200);
    await read(tokens.sales, otherCustomerId).expect(200);
    await http()
      .post(`/v1/customers/${customerId}/reveal`)
      .auth(tokens.sales, { type: 'bearer' })
      .send({ fields: ['phone'], purpose: 'sales_followup', reason: CANARY_REASON })
      .expect(200);
    await read(tokens.otherSales).expect(404);
    await http()
      .patch(`/v1/customers/${customerId}`)
      .auth(tokens.sales, { type: 'bearer' })
      .send({ email: CANARY_EMAIL })
      .expect(204);
    at.registered = await moment();
    await http()
      .post(`/v1/customers/${customerId}/owner`)
      .auth(admin, { type: 'bearer' })
      .send({ ownerId: 'rep.north' })
      .expect(204);
    at.ownerChanged = await moment();
    await http().post('/v1/users/rep.north/offboard').auth(admin, { type: 'bearer' }).expect(200);
    at.offboarded = await moment();
    await http()
      .delete(`/v1/customers/${customerId}/consents/sales_followup?channel=web`)
      .auth(tokens.northManager, { type: 'bearer' })
      .expect(204);
    at.withdrawn = await moment();
    await eventually(async () => {
      const kinds = (await timeline(`customerId=${customerId}`)).map((entry) => entry.kind);
      expect(kinds).toContain('consent_withdrawn');
    });
  }, 120_000);

  afterAll(async () => {
    // Whatever the tests asked, no answer carried a personal value.
    expect(texts.length).toBeGreaterThan(10);
    for (const text of texts) for (const canary of CANARIES) expect(text).not.toContain(canary);
    await sut?.close();
    await db?.drop();
  });

  it("lists a customer's accesses and changes, newest first, by field name only", async () => {
    const entries = await timeline(`customerId=${customerId}`);
    expect(entries.map((entry) => `${entry.kind} ${entry.actorId}`)).toEqual([
      'consent_withdrawn mgr.north',
      'owner_changed root',
      'updated rep.east',
      'denied rep.north',
      'revealed rep.east',
      'viewed mgr.east',
      'viewed rep.east',
      'consent_granted rep.east',
      'registered rep.east',
    ]);
    const byKind = (kind: string) => entries.find((entry) => entry.kind === kind);
    expect(byKind('revealed')).toMatchObject({
      category: 'access',
      purpose: 'sales_followup',
      fields: [{ field: 'phone', view: 'full' }],
    });
    expect(byKind('viewed')?.fields).toContainEqual({ field: 'name', view: 'masked' });
    expect(byKind('updated')).toMatchObject({
      category: 'change',
      fields: [{ field: 'email', change: 'set' }],
    });
    expect(byKind('owner_changed')?.detail).toMatchObject({
      previousOwnerId: 'rep.east',
      ownerId: 'rep.north',
      previousTeam: 'east',
      team: 'north',
    });
    expect(byKind('denied')).toMatchObject({ denialReason: 'OUT_OF_SCOPE' });
  });

  it('filters by actor, purpose, kind and time (from inclusive, to exclusive)', async () => {
    const mine = await timeline(`actorId=rep.east`);
    expect(new Set(mine.map((entry) => entry.actorId))).toEqual(new Set(['rep.east']));
    expect(mine.filter((entry) => entry.customerId === otherCustomerId).length).toBeGreaterThan(0);
    const purpose = await timeline(`customerId=${customerId}&purpose=sales_followup`);
    expect(purpose.map((entry) => entry.kind)).toEqual([
      'consent_withdrawn',
      'denied',
      'revealed',
      'viewed',
      'viewed',
      'consent_granted',
    ]);
    const window = await timeline(
      `customerId=${customerId}&from=${encodeURIComponent(at.registered)}&to=${encodeURIComponent(at.offboarded)}`,
    );
    expect(window.map((entry) => entry.kind)).toEqual(['owner_changed']);
    const [owner] = window;
    const exact = await timeline(
      `customerId=${customerId}&from=${encodeURIComponent(owner?.occurredAt ?? '')}&to=${encodeURIComponent(owner?.occurredAt ?? '')}`,
    );
    expect(exact).toEqual([]);
    const from = await timeline(
      `customerId=${customerId}&from=${encodeURIComponent(owner?.occurredAt ?? '')}&kind=owner_changed,consent_withdrawn`,
    );
    expect(from.map((entry) => entry.kind)).toEqual(['consent_withdrawn', 'owner_changed']);
  });

  it('pages with an opaque cursor, and streams the same entries as NDJSON', async () => {
    const all = await timeline('');
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const suffix: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
      const res = await auditGet(`/v1/audit/access?limit=3${suffix}`);
      const page = res.body as Page;
      expect(page.entries.length).toBeLessThanOrEqual(3);
      paged.push(...page.entries.map((entry) => `${entry.eventId}/${entry.customerId}`));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(paged).toEqual(all.map((entry) => `${entry.eventId}/${entry.customerId}`));
    expect(paged).toHaveLength(12); // 9 of the customer, 3 of the other one

    for (const ask of [
      () => http().get('/v1/audit/access').set('Accept', 'application/x-ndjson'),
      () => http().get('/v1/audit/access?format=ndjson'),
    ]) {
      const res = await ask().auth(tokens.dpo, { type: 'bearer' }).buffer(true).expect(200);
      expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/);
      texts.push(res.text);
      const lines = res.text.split('\n');
      expect(lines.pop()).toBe('');
      const streamed = lines.map((line) => JSON.parse(line) as Entry);
      expect(streamed.map((entry) => `${entry.eventId}/${entry.customerId}`)).toEqual(paged);
    }
    const filtered = await http()
      .get(`/v1/audit/access?format=ndjson&customerId=${customerId}&kind=revealed`)
      .auth(tokens.auditor, { type: 'bearer' })
      .buffer(true)
      .expect(200);
    texts.push(filtered.text);
    expect(
      filtered.text
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as Entry).kind),
    ).toEqual(['revealed']);
  });

  it('refuses a garbled cursor and bad filters with problem+json naming the parameter', async () => {
    for (const [query, field] of [
      ['cursor=not-a-cursor', 'cursor'],
      ['cursor=bm90LWEtY3Vyc29y&format=ndjson', 'cursor'],
      ['from=yesterday', 'from'],
      ['customerId=42', 'customerId'],
      ['kind=looked', 'kind'],
      ['limit=501', 'limit'],
    ] as const) {
      const res = await http()
        .get(`/v1/audit/access?${query}`)
        .auth(tokens.auditor, { type: 'bearer' })
        .expect(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect((res.body as { errors: { field: string }[] }).errors.map((e) => e.field)).toContain(
        field,
      );
    }
  });

  it('answers 403 to every role but auditor and dpo', async () => {
    for (const role of ['sales', 'salesManager', 'finance', 'admin'] as const) {
      for (const path of [
        '/v1/audit/access',
        `/v1/audit/exposure?customerId=${customerId}&at=${encodeURIComponent(at.withdrawn)}`,
      ]) {
        const res = await http().get(path).auth(tokens[role], { type: 'bearer' });
        expect([role, path, res.status]).toEqual([role, path, 403]);
      }
    }
  });

  it('replays who could see which fields before and after the owner change', async () => {
    expect(await exposure(at.before)).toMatchObject({ registered: false, users: [] });
    const registered = await exposure(at.registered);
    expect(registered.ownerId).toBe('rep.east');
    expect(who(registered)).toEqual([
      'dpo: privacy_rights',
      'mgr.east: customer_administration,sales_followup',
      'rep.east: sales_followup',
      'root: customer_administration',
    ]);
    const rep = registered.users.find((user) => user.userId === 'rep.east');
    expect(rep).toMatchObject({ roles: ['sales'], team: 'east' });
    expect(rep?.purposes[0]).toMatchObject({
      fields: { name: 'masked', phone: 'masked', idNumber: 'hidden', company: 'clear' },
      mayReveal: ['name', 'phone', 'email', 'wechat'],
    });
    expect(registered.actualAccesses.map((a) => `${a.actorId} ${a.kind} ${a.count}`)).toEqual([
      'rep.east revealed 1',
      'mgr.east viewed 1',
      'rep.east viewed 1',
    ]);
    expect(who(await exposure(at.ownerChanged))).toEqual([
      'dpo: privacy_rights',
      'mgr.north: customer_administration,sales_followup',
      'rep.north: sales_followup',
      'root: customer_administration',
    ]);
  });

  it('replays an offboarding and a consent withdrawal', async () => {
    expect(who(await exposure(at.offboarded))).toEqual([
      'dpo: privacy_rights',
      'mgr.north: customer_administration,sales_followup',
      'root: customer_administration',
    ]);
    const withdrawn = await exposure(at.withdrawn);
    expect(who(withdrawn)).toEqual([
      'dpo: privacy_rights',
      'mgr.north: customer_administration',
      'root: customer_administration',
    ]);
    expect(withdrawn.users[1]?.purposes[0]?.fields).toMatchObject({
      name: 'masked',
      phone: 'hidden',
      company: 'clear',
    });
  });

  it('refuses a bad customerId or at with problem+json naming it, and 404s an unknown one', async () => {
    for (const [query, field] of [
      [`customerId=42&at=${encodeURIComponent(at.withdrawn)}`, 'customerId'],
      [`customerId=${customerId}&at=last-tuesday`, 'at'],
      [`customerId=${customerId}`, 'at'],
    ] as const) {
      const res = await http()
        .get(`/v1/audit/exposure?${query}`)
        .auth(tokens.auditor, { type: 'bearer' })
        .expect(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect((res.body as { errors: { field: string }[] }).errors.map((e) => e.field)).toEqual([
        field,
      ]);
    }
    await auditGet(
      `/v1/audit/exposure?customerId=00000000-0000-4000-8000-000000000000&at=${encodeURIComponent(at.withdrawn)}`,
      tokens.auditor,
      404,
    );
  });

  it('records a correction and an erasure, and says what it still can of an erased customer', async () => {
    const dpo = (path: string, body: object = {}) =>
      http().post(path).auth(tokens.dpo, { type: 'bearer' }).send(body);
    const request = async (type: string): Promise<string> => {
      const res = await dpo('/v1/privacy-requests', {
        customerId: otherCustomerId,
        type,
        regime: 'PIPL',
      }).expect(201);
      const id = (res.body as { id: string }).id;
      await dpo(`/v1/privacy-requests/${id}/verify`).expect(200);
      return id;
    };
    const correction = await request('correction');
    await dpo(`/v1/privacy-requests/${correction}/execute`, {
      changes: { email: `${CANARY_EMAIL}.cn` },
    }).expect(200);
    const beforeErasure = await moment();
    const erasure = await request('erasure');
    await dpo(`/v1/privacy-requests/${erasure}/execute`).expect(200);
    const afterErasure = await moment();

    const entries = await eventually(async () => {
      const found = await timeline(`customerId=${otherCustomerId}&kind=corrected,updated,erased`);
      expect(found.map((entry) => entry.kind).sort()).toEqual(['corrected', 'erased', 'updated']);
      return found;
    });
    const kind = (name: string) => entries.find((entry) => entry.kind === name);
    expect(entries[0]?.kind).toBe('erased');
    expect(kind('corrected')).toMatchObject({
      actorId: 'dpo',
      fields: [{ field: 'email', change: 'set' }],
      detail: { requestId: correction },
    });
    // The amendment itself carries the request's id as its correlation.
    expect(kind('updated')).toMatchObject({ requestId: correction, fields: [{ field: 'email' }] });
    expect(kind('erased')).toMatchObject({ actorId: 'dpo', detail: { requestId: erasure } });

    const before = await exposure(beforeErasure, otherCustomerId);
    expect(before).toMatchObject({ erased: false, ownerId: 'rep.east' });
    expect(before.fieldsHeld).toEqual(['email', 'name', 'phone']);
    expect(who(before)).toContain('rep.east: sales_followup');
    const after = await exposure(afterErasure, otherCustomerId);
    expect(after).toMatchObject({ erased: true, ownerId: 'rep.east', users: [], fieldsHeld: [] });
    expect(after.actualAccesses.map((access) => `${access.actorId} ${access.kind}`)).toEqual([
      'rep.east viewed',
    ]);
  });
});
