import type { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import request from 'supertest';
import { maskMobile, maskName } from '@custodia/access';
import { storeLogEntries, storeTreeHeads, verifyLog } from '@custodia/audit';
import { loadPurposeCatalog } from '@custodia/consent';
import { EncryptingEventStore, type SigningKey } from '@custodia/crypto-shredding';
import { EVENT_STORE, type EventStore, InMemoryEventStore } from '@custodia/event-store';
import { ROLES } from '@custodia/identity';
import { CLOCK, type Clock } from '@custodia/platform';
import { SIGNING_KEY } from '@custodia/runtime';
import { createTestDatabase, type TestDatabase } from '@custodia/testing';
import { SeedCommand } from '../apps/cli/src/commands/seed.command';
import type { SeededCustomer } from '../apps/cli/src/seed/customer-history';
import { Seeder } from '../apps/cli/src/seed/seeder';
import { Staff } from '../apps/cli/src/seed/seed-staff';
import { eventually } from './support/eventually';
import { tokenFor } from './support/identity-tokens';
import { createTestApp } from './support/test-app';

const OPTIONS = { customers: 200, followUps: 800, accessEvents: 400, seed: 7, concurrency: 8 };
const AS_OF = new Date('2026-11-30T00:00:00Z');

type Listed = { id: string; ownerId: string; fields: Record<string, unknown>; masked: string[] };

/** `seed` against the real app and PostgreSQL: listed masked, chain intact, nothing in clear. */
describe('seed command', () => {
  let db: TestDatabase;
  let sut: NestExpressApplication;
  let store: EventStore;
  let printed: string;
  const customers: SeededCustomer[] = [];

  /** Runs the command as `npm run cli` would; what it printed. */
  const runSeed = async (): Promise<string> => {
    const out: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      out.push(String(chunk));
      return true;
    });
    try {
      await new SeedCommand(store, undefined, sut.get<Clock>(CLOCK)).run([], {
        ...OPTIONS,
        asOf: AS_OF,
      });
    } finally {
      write.mockRestore();
    }
    return out.join('');
  };

  beforeAll(async () => {
    db = await createTestDatabase('seed');
    sut = await createTestApp({ databaseUrl: db.url, env: { TREE_HEAD_INTERVAL_MS: '0' } });
    store = sut.get<EventStore>(EVENT_STORE);
    printed = await runSeed();
    // The same generation, observed: which customers exist and the values they hold.
    const catalog = await loadPurposeCatalog(undefined, { knownRoles: ROLES });
    await new Seeder(new InMemoryEventStore(), catalog).run(
      { ...OPTIONS, asOf: AS_OF },
      undefined,
      (customer) => customers.push(customer),
    );
  }, 180_000);

  afterAll(async () => {
    await sut?.close();
    await db?.drop();
  });

  const countEvents = async (): Promise<number> => {
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      return Number((await client.query('SELECT count(*) AS n FROM events')).rows[0].n);
    } finally {
      await client.end();
    }
  };

  it('prints a summary with customers, events and the rate, and no personal value', () => {
    expect(printed).toMatch(
      /Seeded 200 customers and \d+ users: [\d,]+ events in [\d.]+ s \([\d,]+ events\/s\)/,
    );
    expect(printed).toContain('--project');
    for (const { profile } of customers) expect(printed).not.toContain(profile.phone);
  });

  it("lists a rep's seeded customers to that rep, masked", async () => {
    const rep = new Staff(OPTIONS.seed, Staff.defaultRepCount(OPTIONS.customers)).reps[0];
    const theirs = customers.filter((c) => c.ownerId === rep.userId);
    expect(theirs.length).toBeGreaterThan(5);
    const token = await tokenFor(rep.userId);
    const list = async (): Promise<Listed[]> => {
      const items: Listed[] = [];
      let cursor: string | null = null;
      do {
        const res = await request(sut.getHttpServer())
          .get('/v1/customers')
          .query({ limit: 100, ...(cursor === null ? {} : { cursor }) })
          .auth(token, { type: 'bearer' })
          .set('X-Purpose', 'sales_followup')
          .expect(200);
        const body = res.body as { items: Listed[]; nextCursor: string | null };
        items.push(...body.items);
        cursor = body.nextCursor;
      } while (cursor !== null);
      return items;
    };
    const listed = await eventually(async () => {
      const items = await list();
      if (items.length < theirs.length)
        throw new Error(`${items.length} of ${theirs.length} listed`);
      return items;
    }, 60_000);
    expect(listed.map((item) => item.id).sort()).toEqual(theirs.map((c) => c.customerId).sort());
    for (const item of listed) {
      const customer = theirs.find((c) => c.customerId === item.id);
      expect(item.fields.phone).toBe(maskMobile(customer?.profile.phone ?? ''));
      expect(item.fields.name).toBe(maskName(customer?.profile.name ?? ''));
      expect(item.masked).toEqual(expect.arrayContaining(['name', 'phone']));
    }
  }, 90_000);

  it('leaves a log whose hash chains verify', async () => {
    const stored = store instanceof EncryptingEventStore ? store.stored : store;
    const key = await sut.get<() => Promise<SigningKey>>(SIGNING_KEY)();
    const report = await verifyLog({
      treeHeads: storeTreeHeads(stored),
      events: storeLogEntries(stored),
      publicKey: key.publicKeyPem,
    });
    expect(report.failure).toBeNull();
    expect(report.events).toBe(await countEvents());
    expect(report.events).toBeGreaterThan(200 + 800 + 400);
  });

  it('writes nothing twice when run again with the same options', async () => {
    const before = await countEvents();
    await runSeed();
    expect(await countEvents()).toBe(before);
  });

  it('stores no seeded personal value in clear, in any table', async () => {
    const staffNames = new Staff(
      OPTIONS.seed,
      Staff.defaultRepCount(OPTIONS.customers),
    ).members.map((m) => m.displayName);
    // Employees' names are in the user directory by design; a customer name inside one is no leak.
    const canaries = customers.flatMap(({ profile }) => [
      profile.phone,
      ...[profile.email, profile.wechat, profile.address, profile.idNumber].filter(
        (value): value is string => value !== undefined,
      ),
      ...(staffNames.some((name) => name.includes(profile.name)) ? [] : [profile.name]),
    ]);
    expect(canaries.length).toBeGreaterThan(600);
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      const tables = await client.query<{ table_schema: string; table_name: string }>(
        `SELECT table_schema, table_name FROM information_schema.tables
          WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2`,
      );
      const leaks: string[] = [];
      let scanned = 0;
      // The scan reaches the read models: the masked forms they hold by design are found.
      const masked = maskMobile(customers[0].profile.phone);
      let maskedFound = false;
      for (const { table_schema: schema, table_name: table } of tables.rows) {
        const name = `${client.escapeIdentifier(schema)}.${client.escapeIdentifier(table)}`;
        const rows = await client.query<{ t: string }>(`SELECT t::text AS t FROM ${name} t`);
        scanned += rows.rowCount ?? 0;
        for (const { t } of rows.rows) {
          if (t.includes(masked)) maskedFound = true;
          for (const canary of canaries) if (t.includes(canary)) leaks.push(`${schema}.${table}`);
        }
      }
      expect(scanned).toBeGreaterThan(2_000);
      expect(maskedFound).toBe(true);
      // Table names only: the values themselves are never printed.
      expect([...new Set(leaks)]).toEqual([]);
    } finally {
      await client.end();
    }
  });
});
