import { randomInt } from 'node:crypto';
import { PassThrough } from 'node:stream';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import request from 'supertest';
import { maskEmail, maskMobile, maskName } from '@custodia/access';
import {
  type SignedErasureCertificate,
  verifyErasureCertificate,
} from '@custodia/crypto-shredding';
import { aMobile, createTestDatabase, type TestDatabase } from '@custodia/testing';
import { tokenFor } from './support/identity-tokens';
import { registerUsers, ROLE_USERS } from './support/identity-users';
import { createTestApp } from './support/test-app';
import { eventually } from './support/eventually';

const ADMIN = 'root';
const FOLLOWUP = { purpose: 'sales_followup', noticeVersion: 'general-2025-06', channel: 'web' };
const PROBLEM = /^application\/problem\+json/;

describe('privacy requests executed: erasure, access copy, correction', () => {
  let db: TestDatabase;
  let sut: NestExpressApplication;
  let tokens: Record<keyof typeof ROLE_USERS | 'admin', string>;
  let logged = '';
  const tag = String(randomInt(1e5, 1e6));
  const canary = {
    name: `林金丝雀${tag}`,
    phone: aMobile(randomInt(1e7, 1e8)),
    email: `erase.me.${tag}@example.com`,
    summary: `Erasure canary summary ${tag}`,
  };
  const keeper = { name: `周保留${tag}`, phone: aMobile(randomInt(1e7, 1e8)) };
  let erasedId: string;
  let keptId: string;

  const http = () => request(sut.getHttpServer());
  const as = (token: string) => ({
    get: (path: string, purpose?: string) => {
      const req = http().get(path).auth(token, { type: 'bearer' });
      return purpose === undefined ? req : req.set('X-Purpose', purpose);
    },
    post: (path: string, body: object = {}) =>
      http().post(path).auth(token, { type: 'bearer' }).send(body),
    delete: (path: string) => http().delete(path).auth(token, { type: 'bearer' }),
  });
  const register = async (body: object): Promise<string> =>
    (
      (
        await as(tokens.sales)
          .post('/v1/customers', { ...body, consents: [FOLLOWUP] })
          .expect(201)
      ).body as { id: string }
    ).id;
  const verifiedRequest = async (customerId: string, type: string): Promise<string> => {
    const res = await as(tokens.dpo)
      .post('/v1/privacy-requests', { customerId, type, regime: 'PIPL' })
      .expect(201);
    const id = (res.body as { id: string }).id;
    await as(tokens.dpo).post(`/v1/privacy-requests/${id}/verify`).expect(200);
    return id;
  };

  beforeAll(async () => {
    const logs = new PassThrough();
    logs.on('data', (chunk: Buffer) => (logged += chunk.toString('utf8')));
    db = await createTestDatabase('erasure');
    sut = await createTestApp({
      databaseUrl: db.url,
      env: { BOOTSTRAP_ADMIN_ID: ADMIN, LOG_LEVEL: 'debug' },
      logDestination: logs,
    });
    const admin = await tokenFor(ADMIN);
    tokens = { ...(await registerUsers(sut, admin, ROLE_USERS)), admin };
    erasedId = await register({ name: canary.name, phone: canary.phone, email: canary.email });
    keptId = await register(keeper);
    await as(tokens.sales)
      .post(`/v1/customers/${erasedId}/follow-ups`, {
        purpose: 'sales_followup',
        channel: 'call',
        occurredAt: new Date().toISOString(),
        summary: canary.summary,
      })
      .expect(201);
    await eventually(async () => {
      const res = await as(tokens.sales).get(
        `/v1/customers/${erasedId}/follow-ups`,
        'sales_followup',
      );
      expect((res.body as { items?: unknown[] }).items).toHaveLength(1);
    });
  });

  afterAll(async () => {
    await sut?.close();
    await db?.drop();
  });

  it('erases a customer: signed certificate, 410 everywhere, nothing left in tables or logs', async () => {
    const requestId = await verifiedRequest(erasedId, 'erasure');
    const res = await as(tokens.dpo).post(`/v1/privacy-requests/${requestId}/execute`).expect(200);
    const { certificate } = res.body as { certificate: SignedErasureCertificate };
    expect(certificate.certificate).toMatchObject({
      type: 'custodia.erasure-certificate',
      requestId,
      customerId: erasedId,
      actorId: 'dpo',
      keyAbsent: { dataKeyRows: 0 },
    });
    expect(verifyErasureCertificate(certificate, certificate.publicKeyPem)).toBe(true);
    // PRINT_CERTIFICATE=1 shows one, e.g. for a closing note.
    if (process.env.PRINT_CERTIFICATE === '1') console.log(JSON.stringify(certificate, null, 2));
    const tampered = {
      ...certificate,
      certificate: { ...certificate.certificate, customerId: keptId },
    };
    expect(verifyErasureCertificate(tampered, certificate.publicKeyPem)).toBe(false);
    // The stored certificate, and a second execution changes nothing.
    await as(tokens.dpo)
      .get(`/v1/privacy-requests/${requestId}/certificate`)
      .expect(200)
      .expect((got) => expect(got.body).toEqual(certificate));
    await as(tokens.dpo)
      .post(`/v1/privacy-requests/${requestId}/execute`)
      .expect(200)
      .expect((again) => expect(again.body).toMatchObject({ certificate }));
    await as(tokens.dpo)
      .get(`/v1/privacy-requests/${requestId}`)
      .expect(200)
      .expect((got) => expect(got.body).toMatchObject({ state: 'completed' }));

    await eventually(async () => {
      const gone = await as(tokens.sales).get(`/v1/customers/${erasedId}`, 'sales_followup');
      expect(gone.status).toBe(410);
    });
    for (const path of ['', '/follow-ups', '/consents']) {
      const gone = await as(tokens.sales).get(`/v1/customers/${erasedId}${path}`, 'sales_followup');
      expect(gone.status).toBe(410);
      expect(gone.headers['content-type']).toMatch(PROBLEM);
    }
    await as(tokens.sales)
      .post(`/v1/customers/${erasedId}/reveal`, {
        fields: ['phone'],
        purpose: 'sales_followup',
        reason: 'after erasure',
      })
      .expect(410);
    await as(tokens.sales)
      .post(`/v1/customers/${erasedId}/follow-ups`, {
        purpose: 'sales_followup',
        channel: 'call',
        occurredAt: new Date().toISOString(),
        summary: 'too late',
      })
      .expect(410);
    const list = await as(tokens.sales).get('/v1/customers', 'sales_followup').expect(200);
    expect((list.body as { items: { id: string }[] }).items.map((item) => item.id)).toEqual([
      keptId,
    ]);
    // The other customer is untouched.
    await as(tokens.sales)
      .get(`/v1/customers/${keptId}`, 'sales_followup')
      .expect(200)
      .expect((kept) =>
        expect(kept.body).toMatchObject({ fields: { name: maskName(keeper.name) } }),
      );

    const forbidden = [
      canary.name,
      canary.phone,
      canary.email,
      canary.summary,
      maskName(canary.name),
      maskMobile(canary.phone),
      maskEmail(canary.email),
    ];
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      const tables = await client.query<{ s: string; t: string }>(
        `SELECT table_schema AS s, table_name AS t FROM information_schema.tables
          WHERE table_schema NOT IN ('pg_catalog', 'information_schema')`,
      );
      const leaks: string[] = [];
      for (const { s, t } of tables.rows) {
        const rows = await client.query<{ r: string }>(
          `SELECT x::text AS r FROM ${client.escapeIdentifier(s)}.${client.escapeIdentifier(t)} x`,
        );
        for (const { r } of rows.rows) {
          for (const value of forbidden) if (r.includes(value)) leaks.push(`${t}: ${value}`);
        }
      }
      expect(leaks).toEqual([]);
      // The scan can find things: the kept customer's masked name is there.
      const kept = await client.query(
        `SELECT 1 FROM access_customer_directory WHERE name_masked = $1`,
        [maskName(keeper.name)],
      );
      expect(kept.rowCount).toBe(1);
    } finally {
      await client.end();
    }
    for (const value of forbidden.slice(0, 4)) expect(logged).not.toContain(value);
  });

  it('defers an erasure under a legal hold, and executes it once the hold is lifted', async () => {
    const held = await register({ name: `郑暂缓${tag}`, phone: aMobile(randomInt(1e7, 1e8)) });
    const hold = await as(tokens.dpo)
      .post(`/v1/customers/${held}/legal-holds`, {
        reason: 'pending litigation',
        basis: 'litigation',
      })
      .expect(201);
    const holdId = (hold.body as { id: string }).id;
    const requestId = await verifiedRequest(held, 'erasure');
    const deferred = await as(tokens.dpo).post(`/v1/privacy-requests/${requestId}/execute`);
    expect(deferred.status).toBe(409);
    expect(deferred.body).toMatchObject({ code: 'PRIVACY.DEFERRED' });
    // The hold id is found through a read model: it may take a moment to appear.
    await eventually(async () => {
      const lifted = await as(tokens.dpo).delete(`/v1/legal-holds/${holdId}`);
      if (lifted.status !== 204) {
        const status = await request(sut.getHttpServer()).get('/health');
        throw new Error(
          `lift: ${lifted.status} ${JSON.stringify(lifted.body)} ${JSON.stringify(status.body)}`,
        );
      }
    });
    // Executing again goes on: no hold applies any more (deferred requests resume).
    await as(tokens.dpo).post(`/v1/privacy-requests/${requestId}/execute`).expect(200);
    await as(tokens.dpo)
      .get(`/v1/privacy-requests/${requestId}`)
      .expect(200)
      .expect((got) => expect(got.body).toMatchObject({ state: 'completed' }));
  });

  it('gives the person an access copy (JSON and CSV), recorded as an access', async () => {
    const requestId = await verifiedRequest(keptId, 'access');
    const res = await as(tokens.dpo).post(`/v1/privacy-requests/${requestId}/execute`).expect(200);
    expect(res.body).toMatchObject({
      customerId: keptId,
      profile: { name: keeper.name, phone: keeper.phone },
      consents: [expect.objectContaining({ event: 'ConsentGranted', purpose: 'sales_followup' })],
    });
    const accesses = (res.body as { accesses: { actorId: string }[] }).accesses;
    expect(accesses.some((entry) => entry.actorId === 'rep.east')).toBe(true);
    const csv = await as(tokens.dpo)
      .post(`/v1/privacy-requests/${requestId}/execute?format=csv&section=profile`)
      .expect(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.text).toContain(`name,${keeper.name}`);
  });

  it('corrects a field on request, keeping the history', async () => {
    const requestId = await verifiedRequest(keptId, 'correction');
    const email = `corrected.${tag}@example.com`;
    await as(tokens.dpo)
      .post(`/v1/privacy-requests/${requestId}/execute`, { changes: { email } })
      .expect((res) => expect(res.body).not.toHaveProperty('errors'))
      .expect(200)
      .expect((res) => expect(res.body).toMatchObject({ corrected: ['email'] }));
    await eventually(async () => {
      const got = await as(tokens.sales).get(`/v1/customers/${keptId}`, 'sales_followup');
      expect(got.body).toMatchObject({ fields: { email: maskEmail(email) } });
    });
  });

  it('is the DPO’s work only', async () => {
    await as(tokens.sales).post(`/v1/privacy-requests/${erasedId}/execute`).expect(403);
  });
});
