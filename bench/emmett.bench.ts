import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { EventStore } from '@custodia/event-store';
import { interleave, median, rate, timedWindow, type Window } from './measure';
import { benchEvent } from './payload';
import { row, type Row } from './report';
import { POOL_SIZE } from './store-under-test';

/**
 * Group `emmett`: Custodia's PostgresEventStore against Emmett's PostgreSQL event store
 * (@event-driven-io/emmett-postgresql), same database, payload, writers and pool size.
 *
 * Emmett lives in its own package, bench/emmett (package.json + package-lock.json): it peers
 * uuid@^10, which the product's tree must not take. The root `npm ci` never installs it; this
 * group runs `npm ci --prefix bench/emmett --ignore-scripts` on first use and, if that fails,
 * skips its rows with a "skipped: …" line. Emmett is ESM but ships CommonJS (`exports.require`),
 * so it is loaded with a require rooted in bench/emmett, and typed here by the little we call.
 */
export type EmmettSettings = {
  readonly rounds: number;
  readonly windowMs: number;
  readonly warmupMs: number;
  readonly writers: readonly number[];
  /** The writer count that carries the goal (issue 7: ≥ 1.2× Emmett). */
  readonly goalWriters: number;
};

type EmmettEvent = {
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly metadata: Record<string, string>;
};
type EmmettStore = {
  readonly schema: { migrate(): Promise<unknown> };
  appendToStream(
    streamName: string,
    events: EmmettEvent[],
    options: { expectedStreamVersion: bigint },
  ): Promise<{ nextExpectedStreamVersion: bigint }>;
  close(): Promise<void>;
};
type PgPool = {
  query(text: string): Promise<{ rows: { n: number }[] }>;
  on(event: 'error', listener: () => void): unknown;
  end(): Promise<void>;
};
type Emmett = {
  readonly version: string;
  readonly postgres: {
    getPostgreSQLEventStore(
      connectionString: string,
      options: { connectionOptions: { pool: PgPool } },
    ): EmmettStore;
  };
  readonly pg: {
    Pool: new (config: {
      connectionString: string;
      max: number;
      application_name: string;
    }) => PgPool;
  };
};

/** bench/emmett, from dist/bench (where `nest build` puts this file) or from bench/ itself. */
const EMMETT_DIR = join(__dirname, '..', '..', 'bench', 'emmett');
const PACKAGE = '@event-driven-io/emmett-postgresql';

const readVersion = (manifest: string): string | undefined =>
  existsSync(manifest)
    ? (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version
    : undefined;

/** Installs bench/emmett from its lock file unless the pinned version is already there. */
const loadEmmett = async (progress: (line: string) => void): Promise<Emmett> => {
  const manifest = JSON.parse(readFileSync(join(EMMETT_DIR, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  const pinned = manifest.dependencies[PACKAGE];
  const installedManifest = join(EMMETT_DIR, 'node_modules', PACKAGE, 'package.json');
  if (readVersion(installedManifest) !== pinned) {
    progress(`installing ${PACKAGE} ${pinned} into bench/emmett (npm ci, bench only)`);
    await promisify(execFile)(
      'npm',
      ['ci', '--prefix', EMMETT_DIR, '--ignore-scripts', '--no-audit', '--no-fund'],
      { timeout: 300_000 },
    );
  }
  const version = readVersion(installedManifest);
  if (version !== pinned) throw new Error(`${PACKAGE} ${pinned} not installed (found ${version})`);
  const requireEmmett = createRequire(join(EMMETT_DIR, 'package.json'));
  return {
    version,
    postgres: requireEmmett(PACKAGE) as Emmett['postgres'],
    // Emmett's own pg (its type parsers stay out of the Custodia store's pg).
    pg: requireEmmett('pg') as Emmett['pg'],
  };
};

/** The bench's FollowUpLogged as an Emmett event; the event id travels as Emmett's messageId. */
const emmettEvent = (n: number): EmmettEvent => {
  const event = benchEvent(n);
  return {
    type: event.type,
    data: event.data,
    metadata: { ...event.metadata, messageId: event.id },
  };
};

const windowMs = (s: EmmettSettings, round: number): number =>
  round < 0 ? s.warmupMs : s.windowMs;

/** Each writer appends to its own fresh stream per window; the first part names the type. */
const streamId = (side: string, writers: number, round: number, worker: number): string =>
  `${side}-${writers}w-r${round + 1}-${worker}`;

const single = async (
  store: EventStore,
  emmett: EmmettStore,
  pool: PgPool,
  s: EmmettSettings,
  writers: number,
): Promise<Row> => {
  let custodiaAppends = 0;
  let emmettAppends = 0;
  const result = await interleave<Window>(
    s.rounds,
    {
      label: 'custodia',
      run: (round) =>
        timedWindow(writers, windowMs(s, round), async (worker, i) => {
          await store.append(streamId('vsemmett', writers, round, worker), [benchEvent(i)], {
            expectedRevision: i === 0 ? 'no_stream' : i - 1,
          });
          custodiaAppends += 1;
          return 1;
        }),
    },
    {
      label: 'emmett',
      run: (round) =>
        timedWindow(writers, windowMs(s, round), async (worker, i) => {
          // Emmett counts versions from 0 (no stream) up: the i-th append expects version i.
          await emmett.appendToStream(
            streamId('emmett', writers, round, worker),
            [emmettEvent(i)],
            {
              expectedStreamVersion: BigInt(i),
            },
          );
          emmettAppends += 1;
          return 1;
        }),
    },
  );
  // Both sides really wrote what they counted (every append is one event, warm-up included).
  const counted = async (sql: string, expected: number, side: string): Promise<void> => {
    const [{ n }] = (await pool.query(sql)).rows;
    if (n !== expected) throw new Error(`${side}: ${n} events stored, ${expected} appended`);
  };
  await counted(
    `SELECT count(*)::int AS n FROM events WHERE stream_id LIKE 'vsemmett-${writers}w-%'`,
    custodiaAppends,
    'custodia',
  );
  await counted(
    `SELECT count(*)::int AS n FROM emt_messages WHERE stream_id LIKE 'emmett-${writers}w-%'`,
    emmettAppends,
    'emmett',
  );
  return row(
    `append 1 event, ${writers} writer${writers === 1 ? '' : 's'} (vs Emmett PostgreSQL)`,
    'events/s',
    median(result.subject.map(rate)),
    median(result.reference.map(rate)),
    writers === s.goalWriters ? { on: 'ratio', op: '>=', target: 1.2 } : null,
  );
};

export const emmettBenchmark = async (
  url: string,
  store: EventStore,
  s: EmmettSettings,
  progress: (line: string) => void,
): Promise<Row[]> => {
  let loaded: Emmett;
  try {
    loaded = await loadEmmett(progress);
  } catch (error) {
    // npm's own first error line says why (offline, registry, lock file) better than "failed".
    const message = error instanceof Error ? error.message : String(error);
    const stderr = error instanceof Error && 'stderr' in error ? String(error.stderr) : '';
    const reason =
      stderr.split('\n').find((line) => line.startsWith('npm error')) ?? message.split('\n')[0];
    progress(`skipped: emmett group (${PACKAGE} could not be installed or loaded: ${reason})`);
    return [];
  }
  const pool = new loaded.pg.Pool({
    connectionString: url,
    max: POOL_SIZE,
    application_name: 'emmett-bench',
  });
  pool.on('error', () => undefined); // idle clients see the server stop at the very end
  const emmett = loaded.postgres.getPostgreSQLEventStore(url, { connectionOptions: { pool } });
  try {
    await emmett.schema.migrate(); // Emmett's own schema setup (emt_streams, emt_messages, …)
    progress(`Emmett ${loaded.version}: schema created`);
    const rows: Row[] = [];
    for (const writers of s.writers) {
      progress(`single-event appends vs Emmett, ${writers} writer(s)`);
      rows.push(await single(store, emmett, pool, s, writers));
    }
    return rows;
  } finally {
    await emmett.close();
    await pool.end();
  }
};
