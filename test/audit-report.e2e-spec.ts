import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { AUDIT_REPORT_CSV_COLUMNS } from '@custodia/audit';
import { DATA_SOURCE } from '@custodia/runtime';
import { aMobile, createTestDatabase, type TestDatabase } from '@custodia/testing';
import { eventually } from './support/eventually';
import { tokenFor } from './support/identity-tokens';
import { registerUsers, ROLE_USERS } from './support/identity-users';
import { createTestApp } from './support/test-app';

const PROBLEM = /^application\/problem\+json/;
const ADMIN = 'root';
const FOLLOWUP = { purpose: 'sales_followup', noticeVersion: 'general-2025-06', channel: 'web' };
const PEOPLE = [
  { name: '报告一', phone: aMobile(71), email: 'report.one@example.com' },
  { name: '报告二', phone: aMobile(72), email: 'report.two@example.com' },
] as const;

type Body = Record<string, unknown>;
type Disclosure = { field: string; view: 'full' | 'masked' };
type AccessRow = {
  actorId: string;
  purpose: string | null;
  field: string;
  views: number;
  clear: number;
  masked: number;
  reveals: number;
  exports: number;
  rows: number;
};
type Report = {
  period: { from: string; to: string };
  totals: Record<string, number>;
  actors: { actorId: string; views: number; reveals: number; exports: number }[];
  access: AccessRow[];
  denials: { actorId: string; reason: string; count: number }[];
  alerts: { total: number; alerts: { rule: string; actorId: string }[] };
  erasures: { count: number; requests: { requestId: string }[] };
};

describe('audit report', () => {
  let db: TestDatabase;
  let sut: NestExpressApplication;
  let dataSource: DataSource;
  let tokens: Record<keyof typeof ROLE_USERS | 'admin', string>;
  const customers: string[] = [];
  let from: string;
  let erasureId: string;

  const http = () => request(sut.getHttpServer());
  const as = (token: string) => ({
    get: (path: string, purpose?: string) => {
      const req = http().get(path).auth(token, { type: 'bearer' });
      return purpose === undefined ? req : req.set('X-Purpose', purpose);
    },
    post: (path: string, body: object = {}) =>
      http().post(path).auth(token, { type: 'bearer' }).send(body),
  });
  const period = () => `from=${from}&to=${new Date(Date.now() + 1000).toISOString()}`;
  const expectNoPersonalValue = (text: string) => {
    for (const person of PEOPLE) {
      for (const value of Object.values(person)) expect(text).not.toContain(value);
    }
  };

  /** The access section as the log has it: the oracle the report must equal. */
  const accessFromTheLog = async (): Promise<AccessRow[]> => {
    const events = await dataSource.query<{ type: string; data: Body }[]>(
      `SELECT type, data FROM events
        WHERE type IN ('CustomerDataAccessed', 'PersonalDataRevealed', 'CustomerDataExported')
          AND recorded_at >= $1 ORDER BY global_position`,
      [from],
    );
    const rows = new Map<string, AccessRow & { events: Set<number> }>();
    const row = (actorId: string, purpose: string | null, field: string) => {
      const key = `${actorId}|${purpose}|${field}`;
      const found = rows.get(key) ?? {
        ...{ actorId, purpose, field, views: 0, clear: 0, masked: 0, reveals: 0, exports: 0 },
        rows: 0,
        events: new Set<number>(),
      };
      rows.set(key, found);
      return found;
    };
    events.forEach(({ type, data }, index) => {
      const actor = data.actorId as string;
      const purpose = (data.purpose as string | null) ?? null;
      if (type === 'PersonalDataRevealed') {
        for (const field of data.fields as string[]) {
          const r = row(actor, purpose, field);
          r.clear += 1;
          r.reveals += 1;
        }
        return;
      }
      for (const { field, view } of data.fields as Disclosure[]) {
        const r = row(actor, purpose, field);
        if (type === 'CustomerDataExported') {
          r.exports += 1;
          r.rows += data.rowCount as number;
          continue;
        }
        if (!r.events.has(index)) r.views += 1;
        r.events.add(index);
        const count = (data.customerIds as string[]).length;
        if (view === 'full') r.clear += count;
        else r.masked += count;
      }
    });
    return [...rows.values()]
      .map(({ events: _events, ...r }) => r)
      .sort((a, b) =>
        `${a.actorId}|${a.purpose ?? ''}|${a.field}` < `${b.actorId}|${b.purpose ?? ''}|${b.field}`
          ? -1
          : 1,
      );
  };

  beforeAll(async () => {
    db = await createTestDatabase('audit-report');
    sut = await createTestApp({ databaseUrl: db.url, env: { BOOTSTRAP_ADMIN_ID: ADMIN } });
    dataSource = sut.get(DATA_SOURCE);
    const admin = await tokenFor(ADMIN);
    tokens = { ...(await registerUsers(sut, admin, ROLE_USERS)), admin };
    from = new Date(Date.now() - 1000).toISOString();
    for (const [index, person] of PEOPLE.entries()) {
      const owner = index === 0 ? tokens.sales : tokens.otherSales;
      const created = await as(owner)
        .post('/v1/customers', { ...person, company: '报告公司', consents: [FOLLOWUP] })
        .expect(201);
      customers.push((created.body as { id: string }).id);
    }
    const [own, other] = customers as [string, string];
    await eventually(async () => {
      await as(tokens.sales).get(`/v1/customers/${own}`, 'sales_followup').expect(200);
    });
    await as(tokens.sales).get(`/v1/customers/${own}`, 'sales_followup').expect(200);
    await as(tokens.sales)
      .post(`/v1/customers/${own}/reveal`, {
        fields: ['phone'],
        purpose: 'sales_followup',
        reason: 'report test',
      })
      .expect(200);
    await as(tokens.sales)
      .post('/v1/exports', { purpose: 'sales_followup', fields: ['name', 'phone'] })
      .expect(201);
    // A refusal: the rep may not reveal another rep's customer.
    await as(tokens.sales)
      .post(`/v1/customers/${other}/reveal`, {
        fields: ['phone'],
        purpose: 'sales_followup',
        reason: 'report test',
      })
      .expect(404);
    // An alert: rep.north reads while under offboarding notice.
    await as(admin)
      .post('/v1/users/rep.north/offboarding', {
        effectiveAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      })
      .expect(201);
    await eventually(async () => {
      await as(tokens.otherSales).get(`/v1/customers/${other}`, 'sales_followup').expect(200);
    });
    // An erasure.
    const request_ = await as(tokens.dpo)
      .post('/v1/privacy-requests', { customerId: other, type: 'erasure' })
      .expect(201);
    erasureId = (request_.body as { id: string }).id;
    await as(tokens.dpo).post(`/v1/privacy-requests/${erasureId}/verify`).expect(200);
    await as(tokens.dpo).post(`/v1/privacy-requests/${erasureId}/execute`).expect(200);
  });

  afterAll(async () => {
    await sut?.close();
    await db?.drop();
  });

  const settled = (query = period()) =>
    eventually(async () => {
      const res = await as(tokens.auditor).get(`/v1/audit/report?${query}`).expect(200);
      const report = res.body as Report;
      expect(report.access).toEqual(await accessFromTheLog());
      expect(report.alerts.total).toBeGreaterThan(0);
      expect(report.erasures.count).toBe(1);
      return { report, text: res.text };
    });

  it('summarises the period per actor, purpose and field, exactly as the log has it', async () => {
    const { report, text } = await settled();
    expectNoPersonalValue(text);
    const phone = report.access.find(
      (row) =>
        row.actorId === 'rep.east' && row.purpose === 'sales_followup' && row.field === 'phone',
    );
    expect(phone).toMatchObject({ reveals: 1, exports: 1, rows: 1 });
    expect(phone?.clear).toBeGreaterThanOrEqual(1);
    expect(phone?.masked).toBeGreaterThanOrEqual(2);
    expect(report.actors.find((actor) => actor.actorId === 'rep.east')).toMatchObject({
      reveals: 1,
      exports: 1,
    });
    expect(report.denials).toEqual([{ actorId: 'rep.east', reason: 'OUT_OF_SCOPE', count: 1 }]);
    expect(report.alerts.alerts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ rule: 'access-under-notice', actorId: 'rep.north' }),
      ]),
    );
    expect(report.erasures.requests).toEqual([expect.objectContaining({ requestId: erasureId })]);
    expect(report.totals).toMatchObject({ reveals: 1, exports: 1, denials: 1, erasures: 1 });
  });

  it('answers one CSV table with a section column, the same figures as the JSON', async () => {
    const { report } = await settled();
    const res = await as(tokens.dpo).get(`/v1/audit/report?${period()}&format=csv`).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="audit-report-/);
    expectNoPersonalValue(res.text);
    const [header, ...lines] = res.text.trimEnd().split('\r\n');
    expect(header).toBe(AUDIT_REPORT_CSV_COLUMNS.join(','));
    const sections = lines.map((line) => line.split(',')[0]);
    expect(sections[0]).toBe('period');
    expect(sections.filter((s) => s === 'access')).toHaveLength(report.access.length);
    expect(new Set(sections)).toEqual(
      new Set(['period', 'total', 'actor', 'access', 'denial', 'alert', 'erasure']),
    );
    expect(lines).toContain(`denial,rep.east,,,OUT_OF_SCOPE,,,,,,,,,,1`);
    expect(lines.some((line) => line.startsWith(`erasure,,,,,,${erasureId},`))).toBe(true);
    const phone = report.access.find(
      (row) =>
        row.actorId === 'rep.east' && row.purpose === 'sales_followup' && row.field === 'phone',
    )!;
    expect(lines).toContain(
      `access,rep.east,sales_followup,phone,,,,,${phone.views},${phone.clear},${phone.masked},${phone.reveals},${phone.exports},${phone.rows},`,
    );
  });

  it.each([
    ['from', `to=${new Date().toISOString()}`],
    ['to', 'from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z'],
    ['to', 'from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z'],
    ['format', 'from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z&format=xml'],
  ])('answers 400 problem+json naming %s', async (field, query) => {
    const res = await as(tokens.auditor)
      .get(`/v1/audit/report?${query}`)
      .expect(400)
      .expect('Content-Type', PROBLEM);
    const errors = (res.body as { errors: { field: string }[] }).errors;
    expect(errors.map((error) => error.field)).toContain(field);
  });

  it('answers 403 to every role but the auditor and the DPO', async () => {
    for (const role of ['sales', 'salesManager', 'finance', 'admin'] as const) {
      const res = await as(tokens[role]).get(`/v1/audit/report?${period()}`);
      expect([role, res.status]).toEqual([role, 403]);
      expect(res.headers['content-type']).toMatch(PROBLEM);
    }
  });
});
