import { randomInt, randomUUID } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import {
  type BlindIndex,
  maskAddress,
  maskEmail,
  maskIdNumber,
  maskMobile,
  maskName,
  maskWechat,
} from '@custodia/access';
import { KEY_VAULT, type KeyVault } from '@custodia/crypto-shredding';
import { customerStreamId } from '@custodia/customers';
import { EVENT_STORE, type EventStore } from '@custodia/event-store';
import type { ProjectionRunner } from '@custodia/read-store';
import { BLIND_INDEX, DATA_SOURCE, PROJECTION_RUNNER } from '@custodia/runtime';
import { aMobile, anIdNumber, createTestDatabase, type TestDatabase } from '@custodia/testing';
import { tokenFor } from './support/identity-tokens';
import { registerUsers, ROLE_USERS } from './support/identity-users';
import { createTestApp } from './support/test-app';
import { eventually } from './support/eventually';

const ADMIN = 'root';
const PROBLEM = /^application\/problem\+json/;
const FOLLOWUP = { purpose: 'sales_followup', noticeVersion: 'general-2025-06', channel: 'web' };
const CREDIT = {
  purpose: 'credit_assessment',
  noticeVersion: 'credit-2025-06',
  channel: 'web',
  separate: true,
};

/** Canary profiles whose full AND masked forms appear nowhere else (distinct region, domain…). */
const profileFor = (n: number, tag: string, region: string) => ({
  name: `鬯${'雀'.repeat(n + 2)}${tag}`,
  phone: aMobile(randomInt(1e7, 1e8) * 10 + n),
  email: `q.${tag}@erase-${n}-${tag}.example.com`,
  wechat: `Qz${n}_${tag}`,
  address: `上海市鬯${'雀'.repeat(n + 1)}区金丝雀路${tag}弄`,
  idNumber: anIdNumber({ region, sequence: String(100 + n) }),
});

describe('erasure: every read model forgets the customer', () => {
  let db: TestDatabase;
  let sut: NestExpressApplication;
  let tokens: Record<keyof typeof ROLE_USERS, string>;
  const tag = String(randomInt(1e5, 1e6));
  const canaries = [profileFor(0, tag, '310101'), profileFor(1, tag, '310104')];
  const control = {
    name: '李雷',
    phone: aMobile(24_681_357),
    email: 'li.lei@control.example.com',
    wechat: 'lilei_ctl',
    address: '北京市朝阳区建国路88号',
    idNumber: anIdNumber({ region: '110105', sequence: '777' }),
  };
  const erasedIds: string[] = [];
  let controlId: string;
  /** Every form of the canaries that must be gone: full values, masks, blind-index bytes. */
  let forbidden: string[];
  /** Their masked forms and blind-index bytes (hex): in the read models until the erasure. */
  let derived: string[];
  /** The scan's findings before the erasure: the masks and blind indexes, never a full value. */
  let foundBefore: string[];

  const http = () => request(sut.getHttpServer());
  const get = (token: string, path: string, purpose = 'sales_followup') =>
    http().get(path).auth(token, { type: 'bearer' }).set('X-Purpose', purpose);
  const register = async (profile: typeof control, key: string): Promise<string> => {
    const res = await http()
      .post('/v1/customers')
      .auth(tokens.salesManager, { type: 'bearer' })
      .set('Idempotency-Key', key)
      .send({
        ...profile,
        company: `Erase Co ${key}`,
        ownerId: 'rep.east',
        consents: [FOLLOWUP, CREDIT],
        lawfulBases: [{ purpose: 'service', noticeVersion: 'general-2025-06' }],
      })
      .expect(201);
    const id = (res.body as { id: string }).id;
    await http()
      .post(`/v1/customers/${id}/follow-ups`)
      .auth(tokens.sales, { type: 'bearer' })
      .send({
        purpose: 'sales_followup',
        channel: 'visit',
        occurredAt: new Date().toISOString(),
        summary: `Erasure canary summary ${key}`,
        nextStep: `Erasure canary next step ${key}`,
        nextFollowUpAt: new Date(Date.now() + 86_400_000).toISOString(),
        quote: { amount: 999, currency: 'CNY' },
      })
      .expect(201);
    return id;
  };
  const listedIds = async (token: string, purpose = 'sales_followup'): Promise<string[]> => {
    const res = await get(token, '/v1/customers?limit=100', purpose).expect(200);
    return (res.body as { items: { id: string }[] }).items.map((item) => item.id);
  };

  /** `schema.table holds <value>` for every forbidden value found in any row of any table. */
  const scanDatabase = async (values: readonly string[]): Promise<string[]> => {
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      const tables = await client.query<{ table_schema: string; table_name: string }>(
        `SELECT table_schema, table_name FROM information_schema.tables
          WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2`,
      );
      expect(tables.rows.length).toBeGreaterThan(10);
      const leaks: string[] = [];
      for (const { table_schema: schema, table_name: table } of tables.rows) {
        const name = `${client.escapeIdentifier(schema)}.${client.escapeIdentifier(table)}`;
        const rows = await client.query<{ t: string }>(`SELECT t::text AS t FROM ${name} t`);
        for (const { t } of rows.rows) {
          for (const value of values)
            if (t.includes(value)) leaks.push(`${schema}.${table} holds ${value}`);
        }
      }
      return leaks;
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    db = await createTestDatabase('erasure-read-models');
    sut = await createTestApp({ databaseUrl: db.url, env: { BOOTSTRAP_ADMIN_ID: ADMIN } });
    tokens = await registerUsers(sut, await tokenFor(ADMIN), ROLE_USERS);
    for (const [n, profile] of canaries.entries()) {
      erasedIds.push(await register(profile, `erase-${tag}-${n}`));
    }
    controlId = await register(control, `control-${tag}`);
    const blindIndex = sut.get<BlindIndex>(BLIND_INDEX);
    derived = canaries.flatMap((profile) => [
      maskName(profile.name),
      maskMobile(profile.phone),
      maskEmail(profile.email),
      maskWechat(profile.wechat),
      maskAddress(profile.address),
      maskIdNumber(profile.idNumber),
      blindIndex.phone(profile.phone).toString('hex'),
      blindIndex.email(profile.email).toString('hex'),
    ]);
    forbidden = [...canaries.flatMap((profile) => Object.values(profile)), ...derived];
    // Read them (masked), so the access log holds reads of them too.
    await eventually(async () => {
      for (const id of [...erasedIds, controlId]) {
        const res = await get(tokens.sales, `/v1/customers/${id}/follow-ups`).expect(200);
        expect((res.body as { items: unknown[] }).items).toHaveLength(1);
      }
    });
    for (const id of erasedIds) {
      await get(tokens.sales, `/v1/customers/${id}`).expect(200);
      await get(tokens.sales, `/v1/customers/${id}/consents`).expect(200);
    }
    foundBefore = await scanDatabase(forbidden);
    // What the privacy executor does: destroy the key, then record the erasure in the stream.
    const vault = sut.get<KeyVault>(KEY_VAULT);
    const store = sut.get<EventStore>(EVENT_STORE);
    for (const customerId of erasedIds) {
      const destruction = await vault.destroyKey(customerId);
      const stream = customerStreamId(customerId);
      const [last] = await store.readStream(stream, { direction: 'backwards', maxCount: 1 });
      await store.append(
        stream,
        [
          {
            type: 'CustomerErased',
            data: {
              customerId,
              requestId: randomUUID(),
              ...(destruction.keyId === undefined ? {} : { keyId: destruction.keyId }),
              erasedAt: destruction.erasedAt.toISOString(),
              actorId: ROLE_USERS.dpo.id,
            },
            metadata: { actorId: ROLE_USERS.dpo.id },
          },
        ],
        { expectedRevision: last.revision },
      );
    }
    await eventually(async () => {
      for (const id of erasedIds) await get(tokens.sales, `/v1/customers/${id}`).expect(410);
      const [row] = await sut
        .get<DataSource>(DATA_SOURCE)
        .query<{ n: string }[]>(`SELECT count(*) AS n FROM access_customer_consents`);
      expect(Number(row.n)).toBe(3); // only the control customer's three purposes are left
    });
  }, 60_000);

  afterAll(async () => {
    await sut?.close();
    await db?.drop();
  });

  it('would catch a leak: before the erasure the scan finds their masks and blind indexes', () => {
    const controlMasks = [
      maskName(control.name),
      maskMobile(control.phone),
      maskEmail(control.email),
      maskWechat(control.wechat),
      maskAddress(control.address),
      maskIdNumber(control.idNumber),
    ];
    // The canaries are distinct: no mask of theirs is also the control customer's.
    expect(forbidden.filter((value) => controlMasks.includes(value))).toEqual([]);
    for (const value of new Set(derived)) {
      expect(foundBefore.some((leak) => leak.endsWith(` holds ${value}`))).toBe(true);
    }
    // Full values were sealed from the start.
    const full = canaries.flatMap((profile) => Object.values(profile));
    expect(foundBefore.filter((leak) => full.some((value) => leak.endsWith(value)))).toEqual([]);
  });

  it('answers 410 Gone (problem+json, no value) on every read of an erased customer', async () => {
    for (const id of erasedIds) {
      for (const path of [
        `/v1/customers/${id}`,
        `/v1/customers/${id}/follow-ups`,
        `/v1/customers/${id}/consents`,
      ]) {
        const res = await get(tokens.sales, path).expect(410);
        expect(res.headers['content-type']).toMatch(PROBLEM);
        expect(res.body).toMatchObject({ status: 410, code: 'CUSTOMER.ERASED' });
        expect(forbidden.filter((value) => JSON.stringify(res.body).includes(value))).toEqual([]);
      }
      await get(tokens.dpo, `/v1/customers/${id}`, 'privacy_rights').expect(410);
      const revealed = await http()
        .post(`/v1/customers/${id}/reveal`)
        .auth(tokens.sales, { type: 'bearer' })
        .send({ fields: ['phone', 'email'], purpose: 'sales_followup', reason: 'erasure check' })
        .expect(410);
      expect(revealed.body).toMatchObject({ code: 'CUSTOMER.ERASED' });
    }
  });

  it('keeps out-of-scope a 404: scope is decided from the tombstone first', async () => {
    for (const id of erasedIds) {
      const res = await get(tokens.otherSales, `/v1/customers/${id}`).expect(404);
      expect(res.body).toMatchObject({ code: 'CUSTOMER.NOT_FOUND' });
      await http()
        .post(`/v1/customers/${id}/reveal`)
        .auth(tokens.otherSales, { type: 'bearer' })
        .send({ fields: ['phone'], purpose: 'sales_followup', reason: 'probe' })
        .expect(404);
    }
  });

  it('lists and exports only the others', async () => {
    const listed = await listedIds(tokens.sales);
    expect(listed).toContain(controlId);
    for (const id of erasedIds) expect(listed).not.toContain(id);
    expect(await listedIds(tokens.dpo, 'privacy_rights')).not.toContain(erasedIds[0]);
    const byPhone = await get(tokens.sales, `/v1/customers?phone=${canaries[0].phone}`).expect(200);
    expect((byPhone.body as { items: unknown[] }).items).toEqual([]);
    const exported = await http()
      .post('/v1/exports')
      .auth(tokens.salesManager, { type: 'bearer' })
      .send({ purpose: 'sales_followup', fields: ['name', 'phone', 'company'] })
      .expect(201);
    const csv = exported.text;
    expect(csv).toContain(controlId);
    for (const id of erasedIds) expect(csv).not.toContain(id);
  });

  it('leaves the other customer untouched', async () => {
    const res = await get(tokens.sales, `/v1/customers/${controlId}`).expect(200);
    expect(JSON.stringify(res.body)).toContain(maskMobile(control.phone));
    const revealed = await http()
      .post(`/v1/customers/${controlId}/reveal`)
      .auth(tokens.sales, { type: 'bearer' })
      .send({ fields: ['phone'], purpose: 'sales_followup', reason: 'control check' })
      .expect(200);
    expect(revealed.body).toMatchObject({ fields: { phone: control.phone } });
    await get(tokens.sales, `/v1/customers/${controlId}/consents`).expect(200);
  });

  it('finds no full value, masked form or blind-index entry of theirs in any table', async () => {
    expect(await scanDatabase(forbidden)).toEqual([]);
    // …while the control customer's masked forms are found: the scan does see the read models.
    expect((await scanDatabase([maskMobile(control.phone)])).length).toBeGreaterThan(0);
  });

  it('keeps their anonymised counts', async () => {
    const leaks = await scanDatabase(erasedIds);
    expect(leaks.some((leak) => leak.includes('access_customer_statistics'))).toBe(false);
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ registered: number; logged: number }>(
        `SELECT sum(customers_registered)::int AS registered, sum(follow_ups_logged)::int AS logged
           FROM access_customer_statistics WHERE owner_id = 'rep.east'`,
      );
      expect(rows[0]).toEqual({ registered: 3, logged: 3 });
    } finally {
      await client.end();
    }
  });

  it('shows them as erased again after a rebuild of every projection from zero', async () => {
    const runner = sut.get<ProjectionRunner>(PROJECTION_RUNNER);
    for (const name of runner.projectionNames) await runner.rebuild(name);
    await eventually(async () => {
      for (const id of erasedIds) await get(tokens.sales, `/v1/customers/${id}`).expect(410);
      await get(tokens.sales, `/v1/customers/${controlId}`).expect(200);
    });
    expect(await listedIds(tokens.sales)).toEqual([controlId]);
    expect(await scanDatabase(forbidden)).toEqual([]);
  });
});
