/**
 * Test support for the read store's integration suites only; product code never imports it.
 * The ledger projection is deliberately not idempotent, so a batch applied twice shows up.
 */
import { randomUUID } from 'node:crypto';
import {
  eventStoreMigrations,
  PostgresEventStore,
  type EventStore,
  type NewEvent,
  type Position,
  type RecordedEvent,
} from '@custodia/event-store';
import {
  type DataSource,
  type EntityManager,
  type MigrationInterface,
  type QueryRunner,
} from 'typeorm';
import type { Projection } from './projection';
import { createReadStoreDataSource, type MigrationClass } from './read-store.data-source';
import type { ReadStoreLogger } from './read-store.logger';
import { readStoreEntities, readStoreMigrations } from './read-store.migrations';

export class TestLedger1796018900000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE test_ledger (
        seq        bigserial PRIMARY KEY,
        event_id   text    NOT NULL,
        stream_id  text    NOT NULL,
        event_type text    NOT NULL,
        instance   text    NOT NULL,
        version    integer NOT NULL
      )`);
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE test_ledger`);
  }
}

export type LedgerControl = {
  /** Called before each apply; throw (or kill the connection) to simulate a crash. */
  beforeApply?: (event: RecordedEvent, manager: EntityManager) => Promise<void>;
  resets: number;
};

/** Appends one row per applied event: duplicates and gaps are both visible. */
export const ledgerProjection = (
  options: { instance?: string; version?: number; handles?: readonly string[] | 'all' } = {},
  control: LedgerControl = { resets: 0 },
): Projection => ({
  name: 'ledger',
  version: options.version ?? 1,
  handles: options.handles ?? 'all',
  async apply(event, manager) {
    await control.beforeApply?.(event, manager);
    await manager.query(
      `INSERT INTO test_ledger (event_id, stream_id, event_type, instance, version)
       VALUES ($1, $2, $3, $4, $5)`,
      [event.id, event.streamId, event.type, options.instance ?? 'a', options.version ?? 1],
    );
  },
  async reset(manager) {
    control.resets += 1;
    await manager.query(`DELETE FROM test_ledger`);
  },
});

export type LedgerStats = { rows: number; distinct: number; instances: string[] };

export const ledgerStats = async (dataSource: DataSource): Promise<LedgerStats> => {
  const rows: { rows: number; distinct: number; instances: string[] | null }[] =
    await dataSource.query(
      `SELECT count(*)::int AS rows, count(DISTINCT event_id)::int AS distinct,
              array_agg(DISTINCT instance ORDER BY instance) AS instances
         FROM test_ledger`,
    );
  const [row] = rows;
  return { rows: row.rows, distinct: row.distinct, instances: row.instances ?? [] };
};

export const checkpointRow = async (
  dataSource: DataSource,
  projection = 'ledger',
): Promise<{ version: number; position: string | null; events_applied: number } | undefined> => {
  const rows: { version: number; position: string | null; events_applied: number }[] =
    await dataSource.query(
      `SELECT version, position, events_applied::int AS events_applied
         FROM projection_checkpoints WHERE projection = $1`,
      [projection],
    );
  return rows[0];
};

/** Composed the way the app composes them: one data source, every library's list. */
export const testMigrations: readonly MigrationClass[] = [
  ...eventStoreMigrations,
  ...readStoreMigrations,
  TestLedger1796018900000,
];

export const openDataSource = async (
  url: string,
  applicationName = 'custodia-test',
): Promise<DataSource> => {
  const dataSource = createReadStoreDataSource({
    url,
    applicationName,
    entities: [...readStoreEntities],
    migrations: testMigrations,
  });
  await dataSource.initialize();
  await dataSource.runMigrations();
  return dataSource;
};

/** The real PostgreSQL adapter, on the suite's database (its schema comes from openDataSource). */
export const createTestEventStore = (url: string): Promise<EventStore> =>
  PostgresEventStore.connect(url, { pollIntervalMs: 100 });

/** Appends `count` events spread over `streams` streams, each type from `types` in turn. */
export const appendEvents = async (
  store: EventStore,
  count: number,
  options: { streams?: number; types?: readonly string[]; data?: Record<string, unknown> } = {},
): Promise<void> => {
  const streams = options.streams ?? 5;
  const types = options.types ?? ['ThingHappened', 'OtherThingHappened'];
  const prefix = randomUUID().slice(0, 8);
  let last: Position | undefined;
  for (let i = 0; i < count; i += 1) {
    const event: NewEvent = {
      type: types[i % types.length],
      data: { index: i, ...options.data },
    };
    last = (await store.append(`thing-${prefix}-${i % streams}`, [event])).position;
  }
  // Readers may lag behind a commit (an open transaction anywhere on the server holds events
  // back): wait until all of them are readable, so tests see whole batches.
  const deadline = Date.now() + 15_000;
  for (;;) {
    const head = await store.headPosition();
    if (last === undefined || (head !== undefined && store.comparePositions(head, last) >= 0))
      return;
    if (Date.now() > deadline) throw new Error('appended events did not become readable');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

export type CapturedLog = { level: 'info' | 'warn' | 'error'; fields: unknown; message: string };

export const captureLogger = (): ReadStoreLogger & { entries: CapturedLog[] } => {
  const entries: CapturedLog[] = [];
  const at =
    (level: CapturedLog['level']) =>
    (fields: Record<string, unknown>, message: string): void => {
      entries.push({ level, fields, message });
    };
  return { entries, info: at('info'), warn: at('warn'), error: at('error') };
};

/** Polls `check` until it returns true, failing with `what` (and `explain()`) after `timeoutMs`. */
export const eventually = async (
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 15_000,
  explain?: () => Promise<unknown>,
): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) {
      const detail = explain ? ` — ${JSON.stringify(await explain())}` : '';
      throw new Error(`timed out waiting for: ${what}${detail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};

export const fastRunnerSettings = {
  pollIntervalMs: 50,
  lockRetryMs: 50,
  backoff: { initialMs: 20, maxMs: 100 },
} as const;
