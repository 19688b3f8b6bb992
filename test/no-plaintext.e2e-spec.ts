import { randomInt } from 'node:crypto';
import { PassThrough } from 'node:stream';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import request from 'supertest';
import { aMobile, anIdNumber, createTestDatabase, type TestDatabase } from '@custodia/testing';
import { tokenFor } from './support/identity-tokens';
import { registerUsers, ROLE_USERS } from './support/identity-users';
import { createTestApp } from './support/test-app';

const ADMIN = 'root';
const CUSTOMERS = 3;

/** Personal values no other data can contain by chance: every one must be stored sealed. */
const canariesFor = (n: number) => {
  const tag = `${randomInt(1e5, 1e6)}${n}`;
  return {
    name: `金丝雀${tag}号`,
    phone: aMobile(randomInt(1e7, 1e8)),
    email: `canary.${tag}@example.com`,
    wechat: `cnry_${tag}`,
    address: `上海市金丝雀路${tag}弄`,
    idNumber: anIdNumber({
      birthDate: `19${randomInt(50, 99)}0${randomInt(1, 9)}1${randomInt(0, 9)}`,
      sequence: String(randomInt(100, 999)),
    }),
    summary: `Canary follow-up summary ${tag}`,
    nextStep: `Canary next step ${tag}`,
  };
};

describe('no personal value in plaintext (database and logs)', () => {
  let db: TestDatabase;
  let sut: NestExpressApplication;
  let logged = '';
  const canaries: string[] = [];
  const ids: string[] = [];
  const phones: string[] = [];

  beforeAll(async () => {
    const logs = new PassThrough();
    logs.on('data', (chunk: Buffer) => {
      logged += chunk.toString('utf8');
    });
    db = await createTestDatabase('no-plaintext');
    sut = await createTestApp({
      databaseUrl: db.url,
      env: { BOOTSTRAP_ADMIN_ID: ADMIN, LOG_LEVEL: 'trace' },
      logDestination: logs,
    });
    const tokens = await registerUsers(sut, await tokenFor(ADMIN), ROLE_USERS);
    const admin = await tokenFor(ADMIN);
    const manager = tokens.salesManager;
    for (let n = 0; n < CUSTOMERS; n += 1) {
      const values = canariesFor(n);
      canaries.push(...Object.values(values));
      const { summary, nextStep, ...profile } = values;
      // The employer is business data in the field catalog (not personal): stored as is.
      const company = `Acme ${n}`;
      const res = await request(sut.getHttpServer())
        .post('/v1/customers')
        .auth(manager, { type: 'bearer' })
        .set('Idempotency-Key', `canary-${n}`)
        .send({
          ...profile,
          company,
          ownerId: 'rep.east',
          consents: [
            { purpose: 'sales_followup', noticeVersion: 'general-2025-06', channel: 'web' },
            {
              purpose: 'credit_assessment',
              noticeVersion: 'credit-2025-06',
              channel: 'web',
              separate: true,
            },
          ],
          lawfulBases: [{ purpose: 'service', noticeVersion: 'general-2025-06' }],
        })
        .expect(201);
      const id = (res.body as { id: string }).id;
      await request(sut.getHttpServer())
        .post(`/v1/customers/${id}/follow-ups`)
        .auth(tokens.sales, { type: 'bearer' })
        .send({
          purpose: 'sales_followup',
          channel: 'call',
          occurredAt: new Date().toISOString(),
          summary,
          nextStep,
        })
        .expect(201);
      // A refusal must not echo the value either (logs and problem+json).
      await request(sut.getHttpServer())
        .patch(`/v1/customers/${id}`)
        .auth(tokens.sales, { type: 'bearer' })
        .send({ phone: `${values.phone}x` })
        .expect(400);
      ids.push(id);
      phones.push(values.phone);
    }

    // Every read route, as the roles that may use it: none may leave a full value behind.
    const get = (token: string, path: string, purpose: string) =>
      request(sut.getHttpServer())
        .get(path)
        .auth(token, { type: 'bearer' })
        .set('X-Purpose', purpose);
    const deadline = Date.now() + 10_000;
    for (;;) {
      // The read models are projections: wait until they hold every follow-up.
      const res = await get(
        tokens.sales,
        `/v1/customers/${ids[CUSTOMERS - 1]}/follow-ups`,
        'sales_followup',
      );
      if (res.status === 200 && (res.body as { items: unknown[] }).items.length === 1) break;
      if (Date.now() > deadline) throw new Error('the read models did not catch up');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await get(tokens.sales, '/v1/customers', 'sales_followup').expect(200);
    await get(tokens.sales, `/v1/customers?phone=${phones[0]}`, 'sales_followup').expect(200);
    await get(tokens.salesManager, '/v1/customers', 'credit_assessment').expect(200);
    await get(tokens.dpo, '/v1/customers', 'privacy_rights').expect(200);
    for (const [n, id] of ids.entries()) {
      await get(tokens.sales, `/v1/customers/${id}`, 'sales_followup').expect(200);
      await get(tokens.salesManager, `/v1/customers/${id}`, 'credit_assessment').expect(200);
      await get(tokens.dpo, `/v1/customers/${id}`, 'privacy_rights').expect(200);
      await get(admin, `/v1/customers/${id}`, 'customer_administration').expect(200);
      await get(tokens.sales, `/v1/customers/${id}/consents`, 'sales_followup').expect(200);
      await get(tokens.sales, `/v1/customers/${id}/follow-ups`, 'sales_followup').expect(200);
      await get(tokens.finance, `/v1/customers/${id}`, 'sales_followup').expect(403);
      // Reveals return clear values (that is their point) but must not store or log them; the
      // reason is free text, so a canary in it must end up sealed too.
      const reason = `Canary reveal reason ${n}-${randomInt(1e5, 1e6)}`;
      canaries.push(reason);
      await request(sut.getHttpServer())
        .post(`/v1/customers/${id}/reveal`)
        .auth(tokens.salesManager, { type: 'bearer' })
        .send({ fields: ['phone', 'idNumber'], purpose: 'credit_assessment', reason })
        .expect(403); // credit_assessment does not cover the phone: refused as a whole
      await request(sut.getHttpServer())
        .post(`/v1/customers/${id}/reveal`)
        .auth(tokens.salesManager, { type: 'bearer' })
        .send({ fields: ['name', 'idNumber'], purpose: 'credit_assessment', reason })
        .expect(200);
      await request(sut.getHttpServer())
        .post(`/v1/customers/${id}/reveal`)
        .auth(tokens.sales, { type: 'bearer' })
        .send({ fields: ['phone', 'email', 'wechat'], purpose: 'sales_followup', reason })
        .expect(200);
    }
    await request(sut.getHttpServer())
      .post('/v1/exports')
      .auth(tokens.salesManager, { type: 'bearer' })
      .send({ purpose: 'sales_followup', fields: ['name', 'phone', 'email', 'wechat', 'company'] })
      .expect(201);
    await request(sut.getHttpServer())
      .post('/v1/exports')
      .auth(tokens.salesManager, { type: 'bearer' })
      .send({ purpose: 'credit_assessment', fields: ['name', 'idNumber', 'income'] })
      .expect(201);
  });

  afterAll(async () => {
    await sut?.close();
    await db?.drop();
  });

  const found = (text: string): string[] => canaries.filter((canary) => text.includes(canary));

  it('finds no canary in any table of any schema', async () => {
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      const tables = await client.query<{ table_schema: string; table_name: string }>(
        'SELECT table_schema, table_name FROM information_schema.tables ORDER BY 1, 2',
      );
      expect(tables.rows.some((row) => row.table_name.includes('event'))).toBe(true);
      const leaks: string[] = [];
      let scanned = 0;
      for (const { table_schema: schema, table_name: table } of tables.rows) {
        const name = `${client.escapeIdentifier(schema)}.${client.escapeIdentifier(table)}`;
        let rows;
        try {
          rows = await client.query<{ t: string }>(`SELECT t::text AS t FROM ${name} t`);
        } catch (error) {
          // A few system views need platform support (NUMA); no data of ours can be in them.
          if (schema !== 'pg_catalog') throw error;
          continue;
        }
        scanned += rows.rowCount ?? 0;
        for (const { t } of rows.rows) {
          for (const canary of found(t)) leaks.push(`${schema}.${table} holds ${canary}`);
        }
      }
      expect(scanned).toBeGreaterThan(0);
      expect(leaks).toEqual([]);
    } finally {
      await client.end();
    }
  });

  it('finds no canary in anything logged, at every level down to trace', () => {
    expect(logged.length).toBeGreaterThan(0);
    expect(logged).toContain('/v1/customers');
    expect(found(logged)).toEqual([]);
  });

  it('would catch a leak: the canaries themselves are found in plain text', () => {
    expect(found(JSON.stringify(canaries))).toHaveLength(canaries.length);
  });
});
