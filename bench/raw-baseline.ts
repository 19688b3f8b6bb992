import { performance } from 'node:perf_hooks';
import { Client, type Pool } from 'pg';
import type { BenchEvent } from './payload';

/**
 * The raw `pg` baselines. Writes go to `raw_events`, a copy of the store's `events` table made
 * with `LIKE … INCLUDING ALL` (same columns, defaults, constraints and indexes, own sequence), so
 * the INSERT writes the same row into the same shape; reads page through the store's own table.
 */
export type RawBaseline = {
  /** One INSERT statement (a multi-row VALUES list for several events), autocommitted. */
  insert(streamId: string, firstRevision: number, events: readonly BenchEvent[]): Promise<void>;
  /** Same row, with `pg_notify` in the same statement, for the latency floor. */
  insertAndNotify(streamId: string, revision: number, event: BenchEvent): Promise<void>;
  /** One keyset page of the store's events table: row count and the last position. */
  readPage(after: string, limit: number): Promise<{ count: number; last: string }>;
  countStoreEvents(): Promise<number>;
  /** Fills the store's own table server-side (seeding speed is not what is measured). */
  seedStoreEvents(count: number, template: BenchEvent): Promise<void>;
  listen(): Promise<{ next(id: string): Promise<number>; close(): Promise<void> }>;
};

export const RAW_TABLE_SQL = `
  DROP TABLE IF EXISTS raw_events;
  CREATE TABLE raw_events (LIKE events INCLUDING ALL);
`;

const CHANNEL = 'bench_raw';

/**
 * $1 offset, $2 rows, $3 data, $4 metadata, $5 type: 100-event streams, ids varied per row. The
 * hash column gets a 32-byte stand-in: reads do not check chains (the audit group verifies real
 * ones), they only need rows of the real shape.
 */
const SEED_SQL = `
  INSERT INTO events (stream_id, revision, event_id, type, data, metadata, hash)
  SELECT 'bench-seed-' || (g / 100), g % 100, gen_random_uuid(), $5,
         jsonb_set($3::jsonb, '{customerId}', to_jsonb(gen_random_uuid()::text)),
         jsonb_set($4::jsonb, '{correlationId}', to_jsonb(gen_random_uuid()::text)),
         sha256(convert_to(g::text, 'UTF8'))
  FROM generate_series($1::bigint, $1::bigint + $2 - 1) AS g`;

/**
 * The raw row carries a hash too (the same row as the store writes), a constant: chaining it —
 * the digest, the stream's last hash, the recursive step — is part of what the store costs.
 */
const RAW_HASH = Buffer.alloc(32, 0xab);

const values = (count: number, columns: number): string =>
  Array.from(
    { length: count },
    (_, r) =>
      `(${Array.from({ length: columns }, (_, c) => `$${r * columns + c + 1}`).join(', ')})`,
  ).join(', ');

const params = (streamId: string, first: number, events: readonly BenchEvent[]): unknown[] =>
  events.flatMap((e, k) => [
    e.id,
    streamId,
    first + k,
    e.type,
    JSON.stringify(e.data),
    JSON.stringify(e.metadata),
    RAW_HASH,
  ]);

const insertSql = (count: number): string =>
  `INSERT INTO raw_events (event_id, stream_id, revision, type, data, metadata, hash)
   VALUES ${values(count, 7)}`;

export const rawBaseline = (pool: Pool, url: string): RawBaseline => {
  const statements = new Map<number, string>();
  const sqlFor = (count: number): string => {
    let sql = statements.get(count);
    if (!sql) statements.set(count, (sql = insertSql(count)));
    return sql;
  };
  return {
    insert: async (streamId, firstRevision, events) => {
      await pool.query(sqlFor(events.length), params(streamId, firstRevision, events));
    },
    insertAndNotify: async (streamId, revision, event) => {
      await pool.query(
        `WITH ins AS (${sqlFor(1)} RETURNING event_id)
         SELECT pg_notify('${CHANNEL}', event_id::text) FROM ins`,
        params(streamId, revision, [event]),
      );
    },
    readPage: async (after, limit) => {
      const res = await pool.query<{ global_position: string }>(
        `SELECT global_position, transaction_id::text AS transaction_id, stream_id, revision,
                event_id, type, data, metadata, recorded_at
           FROM events WHERE global_position > $1 ORDER BY global_position LIMIT $2`,
        [after, limit],
      );
      const last = res.rows[res.rows.length - 1]?.global_position ?? after;
      return { count: res.rowCount ?? 0, last };
    },
    countStoreEvents: async () => {
      const res = await pool.query<{ n: string }>('SELECT count(*) AS n FROM events');
      return Number(res.rows[0].n);
    },
    seedStoreEvents: async (count, template) => {
      const chunk = 25_000;
      for (let done = 0; done < count; done += chunk) {
        await pool.query(SEED_SQL, [
          done,
          Math.min(chunk, count - done),
          JSON.stringify(template.data),
          JSON.stringify(template.metadata),
          template.type,
        ]);
      }
    },
    listen: async () => {
      const client = new Client({ connectionString: url });
      await client.connect();
      const waiting = new Map<string, (at: number) => void>();
      client.on('notification', (msg) => {
        const at = performance.now();
        const resolve = msg.payload ? waiting.get(msg.payload) : undefined;
        if (!resolve || !msg.payload) return;
        waiting.delete(msg.payload);
        resolve(at);
      });
      await client.query(`LISTEN ${CHANNEL}`);
      return {
        next: (id) => new Promise<number>((resolve) => waiting.set(id, resolve)),
        close: () => client.end(),
      };
    },
  };
};
