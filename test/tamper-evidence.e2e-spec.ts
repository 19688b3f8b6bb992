import { createPublicKey, verify } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import type { SigningKey } from '@custodia/crypto-shredding';
import { canonicalJson, EVENT_STORE, type EventStore } from '@custodia/event-store';
import { CLOCK, type Clock } from '@custodia/platform';
import { DATA_SOURCE, SIGNING_KEY } from '@custodia/runtime';
import { ExportLogCommand } from '../apps/cli/src/commands/export-log.command';
import { AuditPublicKeyCommand } from '../apps/cli/src/commands/tree-head.command';
import { VerifyCommand } from '../apps/cli/src/commands/verify.command';
import { aMobile, createTestDatabase, type TestDatabase } from '@custodia/testing';
import { eventually } from './support/eventually';
import { tokenFor } from './support/identity-tokens';
import { registerUsers, ROLE_USERS } from './support/identity-users';
import { createTestApp } from './support/test-app';

const ADMIN = 'root';
const FOLLOWUP = { purpose: 'sales_followup', noticeVersion: 'general-2025-06', channel: 'web' };
const PERSON = { name: '邵验证', phone: aMobile(71) };

type Report = {
  ok: boolean;
  events: number;
  failure: { kind: string; index: number; streamId?: string; revision?: number } | null;
  treeHeads: { found: number; verified: number; coveredEvents: number };
  uncoveredEvents: number;
  publicKey: { keyId: string; publicKeyPem: string };
};

/** GET /v1/audit/verify, POST /v1/audit/tree-heads and GET /v1/audit/public-key end to end. */
describe('tamper evidence over HTTP', () => {
  let db: TestDatabase;
  let sut: NestExpressApplication;
  let dataSource: DataSource;
  let tokens: Record<keyof typeof ROLE_USERS | 'admin', string>;
  let customerId: string;

  const http = () => request(sut.getHttpServer());
  const verifyAs = (token: string) =>
    http().get('/v1/audit/verify').auth(token, { type: 'bearer' });
  const report = async (): Promise<Report> =>
    (await verifyAs(tokens.auditor).expect(200)).body as Report;

  /** Runs a CLI command as `npm run cli` would; what it printed and the exit status it set. */
  const cli = async (run: () => Promise<void>): Promise<{ out: string; exitCode: number }> => {
    const printed: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      printed.push(String(chunk));
      return true;
    });
    // A jest worker runs many files in one process: start from no exit status of our own.
    const before = process.exitCode;
    process.exitCode = undefined;
    try {
      await run();
      return { out: printed.join(''), exitCode: Number(process.exitCode ?? 0) };
    } finally {
      write.mockRestore();
      process.exitCode = before;
    }
  };
  const storeVerify = () =>
    new VerifyCommand(
      sut.get<EventStore>(EVENT_STORE),
      sut.get<DataSource>(DATA_SOURCE),
      sut.get<() => Promise<SigningKey>>(SIGNING_KEY),
    );

  beforeAll(async () => {
    db = await createTestDatabase('tamper-evidence');
    sut = await createTestApp({
      databaseUrl: db.url,
      env: { BOOTSTRAP_ADMIN_ID: ADMIN, TREE_HEAD_INTERVAL_MS: '0' },
    });
    dataSource = sut.get(DATA_SOURCE);
    const admin = await tokenFor(ADMIN);
    tokens = { ...(await registerUsers(sut, admin, ROLE_USERS)), admin };
    const created = await http()
      .post('/v1/customers')
      .auth(tokens.sales, { type: 'bearer' })
      .send({ ...PERSON, company: '示例科技', consents: [FOLLOWUP] })
      .expect(201);
    customerId = (created.body as { id: string }).id;
  });

  afterAll(async () => {
    await sut?.close();
    await db?.drop();
  });

  it('verifies the log, signs a head on demand that a later verification covers', async () => {
    const before = await report();
    expect(before.ok).toBe(true);
    expect(before.events).toBeGreaterThan(0);
    expect(before.treeHeads.found).toBe(0);
    expect(before.uncoveredEvents).toBe(before.events);

    // The signer reads gap-safe: wait until no event here is held back by an open transaction
    // (another suite's, on the same server), so the head covers everything verified above.
    await eventually(async () => {
      const [{ held }] = await dataSource.query<{ held: boolean }[]>(
        `SELECT EXISTS (SELECT 1 FROM events
           WHERE transaction_id >= pg_snapshot_xmin(pg_current_snapshot())) AS held`,
      );
      expect(held).toBe(false);
    });
    const signed = await http()
      .post('/v1/audit/tree-heads')
      .auth(tokens.dpo, { type: 'bearer' })
      .expect(200);
    const { treeHead } = signed.body as {
      treeHead: { head: { treeSize: number }; signature: string; keyId: string };
    };
    expect(treeHead.head.treeSize).toBeGreaterThanOrEqual(before.events);

    // The published key verifies the head's signature, outside Custodia's code.
    const key = (
      await http().get('/v1/audit/public-key').auth(tokens.auditor, { type: 'bearer' }).expect(200)
    ).body as { keyId: string; publicKeyPem: string };
    expect(treeHead.keyId).toBe(key.keyId);
    expect(
      verify(
        null,
        Buffer.from(canonicalJson(treeHead.head)),
        createPublicKey(key.publicKeyPem),
        Buffer.from(treeHead.signature, 'base64'),
      ),
    ).toBe(true);

    const after = await report();
    expect(after.ok).toBe(true);
    expect(after.treeHeads).toMatchObject({ found: 1, verified: 1 });
    expect(after.treeHeads.coveredEvents).toBe(treeHead.head.treeSize);
    expect(after.publicKey.keyId).toBe(key.keyId);
  });

  it('exports the log and verifies the file offline with the public key alone (the CLI)', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'custodia-export-'));
    try {
      const file = join(directory, 'log.ndjson');
      const keyFile = join(directory, 'key.pem');
      const exported = await cli(() =>
        new ExportLogCommand(sut.get<EventStore>(EVENT_STORE), sut.get<Clock>(CLOCK)).run([], {
          out: file,
        }),
      );
      expect(exported.out).toMatch(/^Exported \d+ events to /m);
      const text = await readFile(file, 'utf8');
      expect(text).not.toContain(PERSON.name);
      expect(text).not.toContain(PERSON.phone);
      const key = await cli(() =>
        new AuditPublicKeyCommand(sut.get<() => Promise<SigningKey>>(SIGNING_KEY)).run(),
      );
      const { publicKeyPem } = await sut.get<() => Promise<SigningKey>>(SIGNING_KEY)();
      // stdout is shared with whatever else this test process prints: look for the key in it.
      expect(key.out).toContain(publicKeyPem);
      await writeFile(keyFile, publicKeyPem);

      // No store, no data source, no vault: the file and the key only.
      const offline = await cli(() =>
        new VerifyCommand(undefined, undefined, undefined).run([], { file, publicKey: keyFile }),
      );
      expect(offline.out).toMatch(
        /^OK: \d+ events in \d+ streams; 1 of 1 signed tree heads verified/m,
      );
      expect(offline.exitCode).toBe(0);

      const online = await cli(() => storeVerify().run([], {}));
      // The store may have grown since the export (the app keeps running): same verdict.
      expect(online.out).toMatch(
        /^OK: \d+ events in \d+ streams; 1 of 1 signed tree heads verified/m,
      );
      expect(online.exitCode).toBe(0);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('names an event changed directly in the database, and shows no personal value', async () => {
    const [{ global_position: position }] = await dataSource.query<{ global_position: string }[]>(
      `SELECT global_position FROM events WHERE stream_id = $1 AND revision = 0`,
      [`Customer-${customerId}`],
    );
    await dataSource.query(`ALTER TABLE events DISABLE TRIGGER events_append_only`);
    await dataSource.query(
      `UPDATE events SET data = jsonb_set(data, '{company}', '"改过的公司"')
       WHERE global_position = $1`,
      [position],
    );
    await dataSource.query(`ALTER TABLE events ENABLE TRIGGER events_append_only`);

    const response = await verifyAs(tokens.dpo).expect(200);
    const body = response.body as Report;

    expect(body.ok).toBe(false);
    expect(body.failure).toMatchObject({
      kind: 'hash-mismatch',
      streamId: `Customer-${customerId}`,
      revision: 0,
    });
    expect(response.text).not.toContain(PERSON.name);
    expect(response.text).not.toContain(PERSON.phone);

    const printed = await cli(() => storeVerify().run([], {}));
    expect(printed.out).toMatch(/^FAILED: first bad position \S+ \(index \d+, hash-mismatch\)/m);
    expect(printed.exitCode).toBe(1);
    expect(printed.out).toContain(`Customer-${customerId}`);
    expect(printed.out).not.toContain('改过的公司');
  });

  it.each(['sales', 'salesManager', 'finance', 'admin'] as const)(
    'refuses %s with 403 problem+json',
    async (role) => {
      const response = await verifyAs(tokens[role]).expect(403);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      await http().post('/v1/audit/tree-heads').auth(tokens[role], { type: 'bearer' }).expect(403);
    },
  );
});
