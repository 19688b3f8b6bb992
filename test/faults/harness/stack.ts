import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { BlindIndex } from '@custodia/access';
import {
  type EventStore,
  KurrentDbEventStore,
  PostgresEventStore,
  type Position,
  type RecordedEvent,
} from '@custodia/event-store';
import { signDevelopmentToken } from '@custodia/identity';
import { freePort } from '@custodia/platform';
import { allProjections } from '@custodia/runtime';
import { CustodiaProcess, runCli } from './processes';

export const JWT_SECRET = `faults-${randomUUID()}-${randomUUID()}`;
export const MASTER_KEY = randomBytes(32).toString('base64');
export const ADMIN = 'admin';

/** The read models every projection writes, as their `reset` empties them. */
export const READ_MODEL_TABLES = [
  'stream_summaries',
  'identity_user_directory',
  'access_customer_directory',
  'access_customer_consents',
  'access_follow_ups',
  'access_customer_finance',
  'access_customer_statistics',
  'access_statistics_owners',
  'access_alerts',
  'access_timeline',
  'privacy_requests',
  'privacy_legal_holds',
  'audit_incidents',
] as const;

export type ProjectionFilter = { readonly name: string; readonly eventTypes: string[] | undefined };

/** Names and event filters of the application's projections, as the runner derives them. */
export const projectionFilters = (): ProjectionFilter[] =>
  allProjections({ blindIndex: new BlindIndex(randomBytes(32)) }).map((p) => ({
    name: p.name,
    eventTypes: p.handles === 'all' ? undefined : [...p.handles],
  }));

/**
 * A private PostgreSQL (embedded, own data directory and port, restartable), the environment
 * the Custodia processes share, and the checks the fault suites run against the log and the
 * read models. With `KURRENTDB_URL` the log lives in KurrentDB and PostgreSQL keeps the rest.
 */
export class FaultStack {
  private server: CustodiaProcess | undefined;
  private storeHandle: EventStore | undefined;
  readonly processes: CustodiaProcess[] = [];
  pgRestarts = 0;

  private constructor(
    private readonly scratch: string,
    private readonly pgPort: number,
    readonly databaseUrl: string,
    readonly kurrentdbUrl: string | undefined,
  ) {}

  static async start(options: { kurrentdbUrl?: string } = {}): Promise<FaultStack> {
    const scratch = mkdtempSync(join(tmpdir(), 'custodia-faults-'));
    chmodSync(scratch, 0o711); // as root, the server runs as "postgres" and must enter it
    const pgPort = await freePort();
    const server = await FaultStack.postgres(scratch, pgPort);
    const url = (await server.printed(/^ready /)).slice('ready '.length);
    const admin = new Client({ connectionString: url });
    await admin.connect();
    await admin.query('CREATE DATABASE custodia');
    await admin.end();
    const stack = new FaultStack(
      scratch,
      pgPort,
      url.replace(/\/postgres$/, '/custodia'),
      options.kurrentdbUrl,
    );
    stack.server = server;
    return stack;
  }

  private static async postgres(scratch: string, port: number): Promise<CustodiaProcess> {
    const server = new CustodiaProcess('postgres', 'postgres', {}, [
      join(scratch, 'pg'),
      String(port),
    ]);
    server.start();
    await server.printed(/^ready /);
    return server;
  }

  /** The environment of every Custodia process of this stack. */
  env(extra: Readonly<Record<string, string>> = {}): Record<string, string> {
    return {
      DATABASE_URL: this.databaseUrl,
      AUTH_JWT_SECRET: JWT_SECRET,
      CUSTODIA_MASTER_KEY: MASTER_KEY,
      BOOTSTRAP_ADMIN_ID: ADMIN,
      LOG_LEVEL: process.env.FAULTS_LOG_LEVEL ?? 'warn',
      TREE_HEAD_INTERVAL_MS: '0',
      // Per-user limits would answer 429 to the load; this suite is about faults.
      RATE_LIMIT_REQUESTS: '0',
      ...(this.kurrentdbUrl === undefined
        ? {}
        : { EVENT_STORE: 'kurrentdb', KURRENTDB_URL: this.kurrentdbUrl }),
      ...extra,
    };
  }

  async api(name: string, extra: Readonly<Record<string, string>> = {}): Promise<CustodiaProcess> {
    const port = await freePort();
    const api = new CustodiaProcess(
      name,
      'api',
      this.env({ PORT: String(port), PROJECTOR: 'off', ...extra }),
    );
    this.processes.push(api);
    return api;
  }

  /** At `info` (unless FAULTS_LOG_LEVEL): "Projector running" tells when it tries its locks. */
  projector(name: string): CustodiaProcess {
    const projector = new CustodiaProcess(
      name,
      'projector',
      this.env({ LOG_LEVEL: process.env.FAULTS_LOG_LEVEL ?? 'info' }),
    );
    this.processes.push(projector);
    return projector;
  }

  /** Fast shutdown (SIGINT to the postmaster): every connection drops; then the same port again. */
  async restartPostgres(downMs: number): Promise<void> {
    await this.server?.stop();
    this.pgRestarts += 1;
    await new Promise((done) => setTimeout(done, downMs));
    this.server = await FaultStack.postgres(this.scratch, this.pgPort);
  }

  async query<T extends Record<string, unknown>>(
    sql: string,
    values: unknown[] = [],
  ): Promise<T[]> {
    const client = new Client({ connectionString: this.databaseUrl });
    await client.connect();
    try {
      return (await client.query<T>(sql, values)).rows;
    } finally {
      await client.end();
    }
  }

  /** The log as stored (personal fields stay envelopes: ids and types are all the checks need). */
  store(): EventStore {
    this.storeHandle ??=
      this.kurrentdbUrl === undefined
        ? new PostgresEventStore({ url: this.databaseUrl })
        : KurrentDbEventStore.fromConnectionString(this.kurrentdbUrl);
    return this.storeHandle;
  }

  async readLog(): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    for await (const event of this.store().scanAll()) events.push(event);
    return events;
  }

  /** Stored checkpoints: position and events applied per projection. */
  async checkpoints(): Promise<Map<string, { position: Position | undefined; applied: number }>> {
    const rows = await this.query<{
      projection: string;
      position: string | null;
      events_applied: string;
    }>('SELECT projection, position, events_applied FROM projection_checkpoints');
    return new Map(
      rows.map((row) => [
        row.projection,
        {
          position: (row.position ?? undefined) as Position | undefined,
          applied: Number(row.events_applied),
        },
      ]),
    );
  }

  /** Projections with an event of their filter after their checkpoint (up to `upTo` if given). */
  async pending(upTo?: Position): Promise<string[]> {
    const checkpoints = await this.checkpoints();
    const behind: string[] = [];
    for (const { name, eventTypes } of projectionFilters()) {
      const from = checkpoints.get(name);
      if (from === undefined) {
        behind.push(name);
        continue;
      }
      const next = await this.store().readAll({
        from: from.position,
        maxCount: 1,
        ...(eventTypes === undefined ? {} : { filter: { eventTypes } }),
      });
      const first = next[0];
      if (first === undefined) continue;
      if (upTo === undefined || this.store().comparePositions(first.position, upTo) <= 0) {
        behind.push(name);
      }
    }
    return behind;
  }

  /** True when no projection has an event of its filter after its checkpoint, up to `upTo`. */
  async caughtUp(upTo?: Position): Promise<boolean> {
    return (await this.pending(upTo)).length === 0;
  }

  async waitCaughtUp(timeoutMs: number, upTo?: Position): Promise<number> {
    const started = Date.now();
    while (Date.now() - started < timeoutMs) {
      if (await this.caughtUp(upTo).catch(() => false)) return Date.now() - started;
      await new Promise((done) => setTimeout(done, 100));
    }
    throw new Error(`projections did not catch up within ${timeoutMs} ms`);
  }

  /**
   * Every read model row as canonical JSON, sorted, per table. Two snapshots are equal when the
   * read models hold exactly the same rows, each as often.
   */
  async snapshotReadModels(): Promise<Record<string, string[]>> {
    const snapshot: Record<string, string[]> = {};
    for (const table of READ_MODEL_TABLES) {
      const rows = await this.query<{ row: string }>(
        `SELECT to_jsonb(t)::text AS row FROM ${table} t`,
      );
      snapshot[table] = rows.map((r) => r.row).sort();
    }
    return snapshot;
  }

  /** `npm run cli -- rebuild`: empties every read model and replays the whole log into it. */
  async rebuildFromZero(): Promise<void> {
    const { code, output } = await runCli(this.env(), ['rebuild']);
    if (code !== 0) throw new Error(`rebuild exited with ${code}:\n${output}`);
  }

  token(userId: string): Promise<string> {
    return signDevelopmentToken({ secret: JWT_SECRET, userId, now: new Date() });
  }

  async close(): Promise<void> {
    await Promise.all(this.processes.map((p) => p.stop(10_000).catch(() => undefined)));
    await this.storeHandle?.close().catch(() => undefined);
    await this.server?.stop(30_000).catch(() => undefined);
    rmSync(this.scratch, { recursive: true, force: true });
  }
}

/** Rows in `a` and not in `b` (as a multiset), per table; empty when the tables are equal. */
export const readModelDiff = (
  a: Record<string, string[]>,
  b: Record<string, string[]>,
): Record<string, { onlyLive: string[]; onlyRebuilt: string[] }> => {
  const diff: Record<string, { onlyLive: string[]; onlyRebuilt: string[] }> = {};
  for (const table of Object.keys(a)) {
    const rest = new Map<string, number>();
    for (const row of b[table] ?? []) rest.set(row, (rest.get(row) ?? 0) + 1);
    const onlyLive: string[] = [];
    for (const row of a[table] ?? []) {
      const left = rest.get(row) ?? 0;
      if (left === 0) onlyLive.push(row);
      else rest.set(row, left - 1);
    }
    const onlyRebuilt = [...rest].flatMap(([row, n]) => Array<string>(n).fill(row));
    if (onlyLive.length > 0 || onlyRebuilt.length > 0) {
      diff[table] = { onlyLive: onlyLive.slice(0, 5), onlyRebuilt: onlyRebuilt.slice(0, 5) };
    }
  }
  return diff;
};
