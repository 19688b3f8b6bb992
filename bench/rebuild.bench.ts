import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { PoolClient } from 'pg';
import { Pool } from 'pg';
import { accessMigrations, followUpTimelineProjection } from '@custodia/access';
import {
  cryptoShreddingMigrations,
  EncryptingEventStore,
  PersonalDataRegistry,
  PostgresKeyVault,
} from '@custodia/crypto-shredding';
import { eventStoreMigrations, PostgresEventStore } from '@custodia/event-store';
import { customerStreamPersonalData } from '@custodia/follow-ups';
import {
  createReadStoreDataSource,
  ProjectionRunner,
  readStoreMigrations,
} from '@custodia/read-store';
import { countForProgress } from '../libs/runtime/src/projection-count';
import { execute, scratchDatabase } from './bench-database';
import { median } from './measure';
import { RebuildLogSeeder } from './rebuild-log-seed';
import { row, type Row } from './report';

export type RebuildSettings = {
  /** Log sizes measured in turn (the log grows from one to the next). */
  readonly sizes: readonly number[];
  /** Rebuild/reference pairs per size up to `manyRoundsUpTo` events; one pair above it. */
  readonly rounds: number;
  readonly manyRoundsUpTo: number;
  /** Rows per statement and transaction of the raw reference (the runner's batch size). */
  readonly referenceBatch: number;
};

const PROJECTION = followUpTimelineProjection.name;
const RAW_TABLE = `CREATE TABLE raw_follow_ups (LIKE access_follow_ups INCLUDING ALL)`;
const COLUMNS = [
  'follow_up_id',
  'customer_id',
  'purpose',
  'channel',
  'occurred_at',
  'recorded_at',
  'next_follow_up_at',
  'products',
  'quote',
  'order_status',
  'actor_id',
  'event_id',
  'has_summary',
  'has_next_step',
];

/** The multi-row INSERT of `rows` rows into raw_follow_ups, with $n placeholders. */
const insertStatement = (rows: number): string => {
  const tuples: string[] = [];
  for (let r = 0; r < rows; r += 1) {
    const base = r * COLUMNS.length;
    tuples.push(`(${COLUMNS.map((_, c) => `$${base + c + 1}`).join(', ')})`);
  }
  return `INSERT INTO raw_follow_ups (${COLUMNS.join(', ')}) VALUES ${tuples.join(', ')}`;
};

/**
 * The reference: the rows the projection writes for `events` follow-ups (same values, the same
 * customer spread as the seeded log), written by one multi-row INSERT per `batch` rows, one
 * transaction each with `synchronous_commit = off`, as the runner commits its batches; no log
 * read, no decryption, no checkpoint.
 */
const rawInsert = async (pool: Pool, events: number, batch: number): Promise<number> => {
  const client: PoolClient = await pool.connect();
  try {
    await client.query('TRUNCATE raw_follow_ups');
    const full = insertStatement(batch);
    let customers: string[] = [];
    let clock = Date.parse('2026-01-05T01:00:00Z');
    const started = performance.now();
    for (let done = 0; done < events;) {
      const n = Math.min(batch, events - done);
      const values: unknown[] = [];
      for (let k = 0; k < n; k += 1) {
        const serial = done + k;
        if (serial % 16_000 === 0) customers = Array.from({ length: 2_000 }, () => randomUUID());
        clock += 1_000 + (serial % 7) * 113;
        const now = new Date(clock).toISOString();
        values.push(
          randomUUID(),
          customers[((serial % 16_000) * 7919) % 2_000],
          'sales_followup',
          'call',
          now,
          now,
          new Date(clock + 7 * 86_400_000).toISOString(),
          JSON.stringify(['custodia-enterprise']),
          JSON.stringify({ amount: 128000 + (serial % 1000), currency: 'CNY' }),
          null,
          'user-0001',
          randomUUID(),
          true,
          true,
        );
      }
      await client.query('BEGIN');
      await client.query(`SELECT set_config('synchronous_commit', 'off', true)`);
      await client.query(n === batch ? full : insertStatement(n), values);
      await client.query('COMMIT');
      done += n;
    }
    return events / ((performance.now() - started) / 1000);
  } finally {
    client.release();
  }
};

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * The `rebuild` group: `ProjectionRunner.rebuild` of the follow-up timeline, built as the
 * application builds its runner (over the EncryptingEventStore with the PostgresKeyVault and its
 * stored form: the projection `readsSealed`, so the notes stay sealed and no key is loaded;
 * default batch of 2,000 events per transaction, checkpoint in the same transaction; the total
 * for the progress bar counted as StorageModule counts it), which is what
 * `npm run cli -- rebuild follow-up-timeline` runs — against the raw batched INSERT of the same
 * read-model rows, at growing log sizes.
 */
export const rebuildBenchmark = async (
  url: string,
  s: RebuildSettings,
  progress: (line: string) => void,
): Promise<Row[]> => {
  progress(`rebuild: follow-up-timeline at ${s.sizes.join(', ')} events`);
  const scratch = await scratchDatabase(url, 'rebuild');
  const dataSource = createReadStoreDataSource({
    url: scratch.url,
    migrations: [
      ...eventStoreMigrations,
      ...cryptoShreddingMigrations,
      ...readStoreMigrations,
      ...accessMigrations,
    ],
    applicationName: 'custodia-bench-rebuild',
  });
  await dataSource.initialize();
  const rawPool = new Pool({ connectionString: scratch.url, max: 1 });
  let inner: PostgresEventStore | undefined;
  let vault: PostgresKeyVault | undefined;
  try {
    await dataSource.runMigrations();
    await execute(scratch.url, RAW_TABLE);
    inner = await PostgresEventStore.connect(scratch.url, { poolSize: 8 });
    vault = await PostgresKeyVault.open({
      masterKey: randomBytes(32),
      url: scratch.url,
      keysFlushedByLogAppend: true,
    });
    const registry = new PersonalDataRegistry().registerAll(customerStreamPersonalData);
    const store = new EncryptingEventStore(inner, { vault, registry });
    const runner = new ProjectionRunner({
      dataSource,
      eventStore: store,
      storedEventStore: store.stored, // as StorageModule builds its runner
      projections: [followUpTimelineProjection],
      logger: silent,
      countEvents: countForProgress(dataSource, store), // as StorageModule builds its runner
    });
    const seeder = new RebuildLogSeeder(scratch.url, vault);

    const rebuild = async (size: number): Promise<number> => {
      const started = performance.now();
      let counted: number | undefined;
      const applied = await runner.rebuild(PROJECTION, (done) => {
        if (done === 0 && counted === undefined) counted = performance.now();
      });
      const seconds = (performance.now() - started) / 1000;
      const stored = await dataSource.query<{ n: number }[]>(
        'SELECT count(*)::int AS n FROM access_follow_ups WHERE has_summary AND has_next_step',
      );
      if (applied !== size || stored[0].n !== size) {
        throw new Error(
          `bench rebuild: ${applied} events applied, ${stored[0].n} rows with both notes marked present, expected ${size}`,
        );
      }
      const countSeconds = ((counted ?? started) - started) / 1000;
      progress(
        `rebuild:   rebuild ${(size / seconds).toFixed(0)} events/s ` +
          `(${seconds.toFixed(1)} s, of which counting and reset ${countSeconds.toFixed(1)} s)`,
      );
      return size / seconds;
    };
    const reference = async (size: number): Promise<number> => {
      const rate = await rawInsert(rawPool, size, s.referenceBatch);
      progress(`rebuild:   raw INSERT ${rate.toFixed(0)} rows/s`);
      return rate;
    };

    const rows: Row[] = [];
    let warmedUp = false;
    for (const size of s.sizes) {
      await seeder.seedTo(size, progress);
      await execute(scratch.url, 'VACUUM ANALYZE events');
      if (!warmedUp) {
        progress('rebuild: warm-up pair (discarded)');
        await rebuild(size);
        await reference(size);
        warmedUp = true;
      }
      const rounds = size <= s.manyRoundsUpTo ? s.rounds : 1;
      const subject: number[] = [];
      const raw: number[] = [];
      for (let round = 0; round < rounds; round += 1) {
        progress(`rebuild: ${size.toLocaleString('en-US')} events, round ${round + 1}/${rounds}`);
        if (round % 2 === 0) {
          subject.push(await rebuild(size));
          raw.push(await reference(size));
        } else {
          raw.push(await reference(size));
          subject.push(await rebuild(size));
        }
      }
      const name = `projection rebuild (follow-up-timeline), ${size.toLocaleString('en-US')} events`;
      rows.push(
        row(`${name} vs raw batched INSERT of its rows`, 'events/s', median(subject), median(raw), {
          on: 'ratio',
          op: '>=',
          target: 0.35,
        }),
        row(name, 'events/s', median(subject), null, { on: 'value', op: '>=', target: 30_000 }),
      );
    }
    // Full-precision rows for merging a partial run into results/latest.json.
    progress(`rebuild: rows ${JSON.stringify(rows)}`);
    return rows;
  } finally {
    await rawPool.end();
    await vault?.close();
    await inner?.close();
    await dataSource.destroy();
    await scratch.drop();
  }
};
