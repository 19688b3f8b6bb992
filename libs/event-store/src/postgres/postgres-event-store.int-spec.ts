import { type TestDatabase, createTestDatabase } from '@custodia/testing';
import { randomUUID } from 'node:crypto';
import { Client, Pool } from 'pg';
import { DataSource } from 'typeorm';
import { chainHash, eventDigest, GENESIS_HASH } from '../event-hash';
import { EventStoreError } from '../event-store.errors';
import { type HeldAppend, describeEventStoreContract } from '../event-store.contract';
import { waitUntilVisible } from '../contract/contract-support';
import type { NewEvent, Position } from '../event-store.port';
import { eventStoreMigrations } from './migrations/event-store.migrations';
import { appendQuery } from './postgres-append.query';
import { PostgresEventStore } from './postgres-event-store';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const migrate = async (url: string): Promise<DataSource> => {
  const dataSource = new DataSource({
    type: 'postgres',
    url,
    migrations: [...eventStoreMigrations],
  });
  await dataSource.initialize();
  await dataSource.runMigrations();
  return dataSource;
};

/** BEGIN, the store's own append statement, and no COMMIT yet: a transaction that commits late. */
const holdOpenAppend = async (
  url: string,
  streamId: string,
  events: readonly NewEvent[],
): Promise<HeldAppend> => {
  const client = new Client({ connectionString: url });
  await client.connect();
  await client.query('BEGIN');
  const { text, values } = appendQuery(streamId, events, 'any');
  await client.query(text, values);
  const finish = (command: string) => async () => {
    await client.query(command);
    await client.end();
  };
  return { commit: finish('COMMIT'), rollback: finish('ROLLBACK') };
};

describe(PostgresEventStore.name, () => {
  let database: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase('event_store');
    dataSource = await migrate(database.url);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  describeEventStoreContract('postgres', {
    create: () => {
      const store = new PostgresEventStore({ url: database.url, pollIntervalMs: 100 });
      return Promise.resolve({
        store,
        holdOpenAppend: (streamId, events) => holdOpenAppend(database.url, streamId, events),
        cleanup: () => store.close(),
      });
    },
    quietPeriodMs: 400,
  });

  describe('in PostgreSQL', () => {
    let sut: PostgresEventStore;
    beforeEach(() => {
      sut = new PostgresEventStore({ url: database.url, pollIntervalMs: 100 });
    });
    afterEach(() => sut.close());

    it('wakes subscribers of another store through NOTIFY without waiting for the next poll', async () => {
      // Two stores stand for two processes: only NOTIFY can carry the wake-up between them.
      const subscriber = new PostgresEventStore({ url: database.url, pollIntervalMs: 60_000 });
      const writer = new PostgresEventStore({ url: database.url, pollIntervalMs: 60_000 });
      const streamId = `Customer-${randomUUID()}`;
      const subscription = subscriber.subscribeToAll({ filter: { streamPrefixes: [streamId] } });
      const arrivals: number[] = [];
      const draining = (async () => {
        for await (const _event of subscription) arrivals.push(Date.now());
      })();
      try {
        await sleep(300); // caught up (nothing yet) and idle until a NOTIFY or the poll in 60 s
        const appendedAt = Date.now();
        await writer.append(streamId, [{ type: 'A', data: {} }]);
        const deadline = appendedAt + 5_000;
        while (arrivals.length === 0 && Date.now() < deadline) await sleep(10);
        expect(arrivals).toHaveLength(1);
        expect(arrivals[0] - appendedAt).toBeLessThan(5_000);
      } finally {
        await Promise.all([subscriber.close(), writer.close()]);
        await draining;
      }
    });

    it('is not held back by a transaction writing in another database, only by one here', async () => {
      const elsewhere = await createTestDatabase('event_store_elsewhere');
      /** A transaction with an id, left open, as a long write would be. */
      const openWriter = async (url: string): Promise<Client> => {
        const client = new Client({ connectionString: url });
        await client.connect();
        await client.query('BEGIN');
        await client.query('SELECT pg_current_xact_id()');
        return client;
      };
      const visible = async (streamId: string): Promise<number> =>
        (await sut.readAll({ filter: { streamPrefixes: [streamId] } })).length;
      try {
        const other = await openWriter(elsewhere.url);
        try {
          const streamId = `Thing-${randomUUID()}`;
          const { position } = await sut.append(streamId, [{ type: 'A', data: {} }]);
          await waitUntilVisible(sut, position); // 10 s at most, though `other` stays open
          expect(await visible(streamId)).toBe(1);
        } finally {
          await other.query('ROLLBACK');
          await other.end();
        }

        const here = await openWriter(database.url);
        const streamId = `Thing-${randomUUID()}`;
        try {
          await sut.append(streamId, [{ type: 'A', data: {} }]);
          await sleep(300);
          expect(await visible(streamId)).toBe(0); // it could still commit events behind this one
        } finally {
          await here.query('ROLLBACK');
          await here.end();
        }
        const deadline = Date.now() + 10_000;
        while ((await visible(streamId)) === 0 && Date.now() < deadline) await sleep(20);
        expect(await visible(streamId)).toBe(1);
      } finally {
        await elsewhere.drop();
      }
    });

    it('reads in numeric transaction order across a change in the number of digits', async () => {
      // Text order would put transaction 100000 before 99999 and skip events for good.
      const [{ xid }] = await dataSource.query<{ xid: string }[]>(
        'SELECT pg_current_xact_id()::text AS xid',
      );
      const boundary = 10n ** BigInt(xid.length);
      await dataSource.query(`
        CREATE OR REPLACE PROCEDURE burn_xids(target xid8) LANGUAGE plpgsql AS $$
        BEGIN
          WHILE pg_current_xact_id() < target LOOP COMMIT; END LOOP;
        END $$`);
      await dataSource.query(`CALL burn_xids($1::text::xid8)`, [String(boundary - 4n)]);
      const streamId = `Customer-${randomUUID()}`;
      const appended: string[] = [];
      let lastPosition: Position | undefined;
      for (let n = 0; n < 10; n++) {
        const event = { id: randomUUID(), type: 'A', data: { n } };
        lastPosition = (await sut.append(streamId, [event])).position;
        appended.push(event.id);
      }
      // Other suites' open transactions on this server may hold the appends back for a moment.
      await waitUntilVisible(sut, lastPosition as Position);
      const read: string[] = [];
      let from: Awaited<ReturnType<typeof sut.readAll>>[number]['position'] | undefined;
      for (;;) {
        const page = await sut.readAll({
          from,
          maxCount: 3,
          filter: { streamPrefixes: [streamId] },
        });
        if (page.length === 0) break;
        read.push(...page.map((event) => event.id));
        from = page[page.length - 1].position;
      }
      const head = await sut.headPosition();
      const last = await sut.readStream(streamId, { direction: 'backwards', maxCount: 1 });
      expect(read).toEqual(appended);
      expect(head && sut.comparePositions(head, last[0].position)).toBeGreaterThanOrEqual(0);
      const [{ after }] = await dataSource.query<{ after: string }[]>(
        'SELECT pg_current_xact_id()::text AS after',
      );
      expect(BigInt(after)).toBeGreaterThan(boundary); // the appends did cross it
    });

    it('shares one LISTEN connection and falls back to polling when it is lost', async () => {
      const name = `es-${randomUUID().slice(0, 8)}`;
      const url = new URL(database.url);
      url.searchParams.set('application_name', name);
      const store = new PostgresEventStore({ url: url.toString(), pollIntervalMs: 100 });
      const listeners = async () =>
        (
          await dataSource.query<{ pid: number }[]>(
            `SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND query = $2`,
            [name, 'LISTEN custodia_events'],
          )
        ).map((row) => row.pid);
      const streamId = `Customer-${randomUUID()}`;
      const received: string[] = [];
      const subscriptions = [1, 2].map(() =>
        store.subscribeToAll({ filter: { streamPrefixes: [streamId] } }),
      );
      const draining = subscriptions.map(async (subscription) => {
        for await (const event of subscription) received.push(event.type);
      });
      try {
        await sleep(300);
        const before = await listeners();
        expect(before).toHaveLength(1);
        await dataSource.query('SELECT pg_terminate_backend($1)', [before[0]]);

        await store.append(streamId, [{ type: 'AfterListenerLost', data: {} }]);
        const deadline = Date.now() + 5_000;
        while (received.length < 2 && Date.now() < deadline) await sleep(20);
        expect(received).toEqual(['AfterListenerLost', 'AfterListenerLost']);
        await sleep(300); // the next polls reconnect
        const after = await listeners();
        expect(after).toHaveLength(1);
        expect(after).not.toEqual(before);
      } finally {
        await store.close();
        await Promise.all(draining);
      }
    });

    it('refuses to update or delete stored events', async () => {
      await sut.append(`Customer-${randomUUID()}`, [{ type: 'A', data: {} }]);
      await expect(dataSource.query(`UPDATE events SET type = 'B'`)).rejects.toThrow('append-only');
      await expect(dataSource.query(`DELETE FROM events`)).rejects.toThrow('append-only');
    });

    it('keeps event data out of error messages', async () => {
      const canary = `canary-${randomUUID()}`;
      const error: unknown = await sut
        .append(`Customer-${randomUUID()}`, [{ type: 'A', data: { note: `${canary}\u0000` } }])
        .catch((rejection: unknown) => rejection);
      expect(error).toBeInstanceOf(EventStoreError);
      expect((error as EventStoreError).code).toBe('EVENT_STORE.INVALID_ARGUMENT');
      expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain(canary);
      expect((error as EventStoreError).cause).toBeUndefined();
    });

    it('uses a pool it is given without ending it', async () => {
      const pool = new Pool({ connectionString: database.url, max: 3 });
      const store = await PostgresEventStore.connect(pool);
      await store.append(`Customer-${randomUUID()}`, [{ type: 'A', data: {} }]);
      await store.close();
      await expect(pool.query('SELECT 1 AS one')).resolves.toMatchObject({ rows: [{ one: 1 }] });
      await pool.end();
    });

    it('reports an unreachable server as EVENT_STORE.UNAVAILABLE', async () => {
      const error: unknown = await PostgresEventStore.connect(
        'postgres://nobody:secret@127.0.0.1:1/none',
      ).catch((rejection: unknown) => rejection);
      expect(error).toBeInstanceOf(EventStoreError);
      expect((error as EventStoreError).code).toBe('EVENT_STORE.UNAVAILABLE');
      expect((error as EventStoreError).message).not.toContain('secret');
    });
  });

  describe('eventStoreMigrations', () => {
    it('create the schema and drop it again without a trace', async () => {
      const fresh = await createTestDatabase('event_store_migrations');
      const migrated = await migrate(fresh.url);
      const objects = () =>
        migrated.query<{ name: string }[]>(`
          SELECT relname AS name FROM pg_class
          WHERE relnamespace = 'public'::regnamespace AND relname LIKE 'events%'
          UNION ALL
          SELECT proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace
          ORDER BY name`);
      try {
        const store = new PostgresEventStore({ url: fresh.url });
        const missing = new PostgresEventStore({ url: fresh.url });
        expect((await objects()).map((row) => row.name)).toEqual([
          'events',
          'events_event_id_key',
          'events_global_order_idx',
          'events_global_position_seq',
          'events_pkey',
          'events_refuse_change',
          'events_stream_revision_key',
        ]);
        await store.append('Customer-1', [{ type: 'A', data: {} }]);
        await store.close();
        const hashColumn = async () =>
          (
            await migrated.query<unknown[]>(
              `SELECT 1 FROM information_schema.columns
               WHERE table_name = 'events' AND column_name = 'hash'`,
            )
          ).length;
        expect(await hashColumn()).toBe(1);

        // A log written before the hash chain: rows without hashes, keys in any order.
        await migrated.undoLastMigration();
        expect(await hashColumn()).toBe(0);
        await migrated.query(
          `INSERT INTO events (stream_id, revision, event_id, type, data, metadata) VALUES
            ('Customer-2', 0, $1, 'B', '{"z": 1, "a": "张"}', '{"now": "2026-01-01"}'),
            ('Customer-2', 1, $2, 'C', '{}', '{}')`,
          [randomUUID(), randomUUID()],
        );
        await migrated.runMigrations(); // backfills every stream's chain
        const reader = new PostgresEventStore({ url: fresh.url });
        for (const streamId of ['Customer-1', 'Customer-2']) {
          let previous = GENESIS_HASH;
          for (const event of await reader.readStream(streamId)) {
            const digest = eventDigest({ ...event, streamId });
            expect(event.hash).toBe(chainHash(previous, event.revision, digest).toString('hex'));
            previous = Buffer.from(event.hash as string, 'hex');
          }
        }
        await reader.close();

        await migrated.undoLastMigration(); // the hash column goes
        await migrated.undoLastMigration(); // the NOTIFY trigger comes back
        expect((await objects()).map((row) => row.name)).toContain('events_notify');
        await migrated.undoLastMigration();
        expect(await objects()).toEqual([]);
        await expect(missing.readAll()).rejects.toThrow('run eventStoreMigrations');
        await missing.close();

        await migrated.runMigrations();
        expect(await objects()).toHaveLength(7);
      } finally {
        await migrated.destroy();
        await fresh.drop();
      }
    });
  });
});
