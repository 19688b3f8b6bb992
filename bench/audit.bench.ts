import { hash, randomInt } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { AccessTimelineSearch, accessTimelineMigrations } from '@custodia/access';
import {
  exportLogLines,
  fileLogEntries,
  type LogEntry,
  storeLogEntries,
  storeTreeHeads,
  TreeHeadSigner,
  type VerificationReport,
  verifyLog,
} from '@custodia/audit';
import { InMemoryKeyVault, signingKeyFrom } from '@custodia/crypto-shredding';
import { eventStoreMigrations, PostgresEventStore } from '@custodia/event-store';
import {
  createReadStoreDataSource,
  readStoreEntities,
  readStoreMigrations,
} from '@custodia/read-store';
import { seedAuditLog, type SeededLog } from './audit-log-seed';
import { seedAccessTimeline, timelineCustomerId } from './audit-timeline-seed';
import { execute, scratchDatabase } from './bench-database';
import { median, percentile } from './measure';
import { row, type Row } from './report';

export type AuditSettings = {
  /** Events seeded into the log (tree heads come on top). */
  readonly logSize: number;
  /** A tree head is signed after every this many events. */
  readonly headEvery: number;
  /** Measured verifications of each source (store, file) and of the raw hash, interleaved. */
  readonly passes: number;
  /** Access events in the timeline read model. */
  readonly timelineRows: number;
  readonly timelineCustomers: number;
  /** Measured timeline queries (one random customer each), after the warm-up ones. */
  readonly timelineSamples: number;
  readonly timelineWarmup: number;
  /** Entries per page, as `GET /v1/audit/access` asks by default. */
  readonly timelineLimit: number;
};

async function* firstEntries(entries: AsyncIterable<LogEntry>, count: number) {
  let taken = 0;
  for await (const entry of entries) {
    if ((taken += 1) > count) return;
    yield entry;
  }
}

type Timed = { readonly seconds: number; readonly report: VerificationReport };

const timed = async (verification: () => Promise<VerificationReport>): Promise<Timed> => {
  const started = performance.now();
  const report = await verification();
  return { seconds: (performance.now() - started) / 1000, report };
};

/** Every verification must pass and check every head: a fast wrong answer is no answer. */
const checked = (what: string, log: SeededLog, { seconds, report }: Timed): number => {
  if (!report.ok || report.events !== log.events || report.treeHeads.verified !== log.treeHeads)
    throw new Error(
      `bench audit: ${what} verified ${report.events} events, ${report.treeHeads.verified} heads, ` +
        `ok ${report.ok} (${report.failure?.kind ?? 'no failure'}); expected ${log.events} and ${log.treeHeads}`,
    );
  return report.events / seconds;
};

/**
 * Raw SHA-256 over the same bytes: one one-shot hash per event over its canonical content (the
 * bytes `verify` digests), from memory. The floor of any verifier: no reading, no decoding.
 */
const rawSha256 = (log: SeededLog): number => {
  const started = performance.now();
  let check = 0;
  log.content.forEach((content) => {
    check ^= hash('sha256', content, 'buffer')[0];
  });
  const seconds = (performance.now() - started) / 1000;
  if (check > 255) throw new Error('unreachable');
  return log.content.count / seconds;
};

const verifyBenchmark = async (
  url: string,
  s: AuditSettings,
  progress: (line: string) => void,
): Promise<Row[]> => {
  const store = await PostgresEventStore.connect(url, { poolSize: 4 });
  const key = await signingKeyFrom(new InMemoryKeyVault());
  const signer = new TreeHeadSigner({
    store,
    signingKey: () => Promise.resolve(key),
    pageSize: 5_000,
  });
  const dir = await mkdtemp(join(tmpdir(), 'custodia-bench-audit-'));
  try {
    const started = performance.now();
    const log = await seedAuditLog(
      url,
      signer,
      { events: s.logSize, headEvery: s.headEvery, batch: 2_000 },
      progress,
    );
    progress(
      `audit: log of ${log.events.toLocaleString('en-US')} events in ${log.streams} streams, ` +
        `${log.treeHeads} heads, ${(log.content.bytes / log.content.count).toFixed(0)} content ` +
        `bytes per event, seeded in ${((performance.now() - started) / 1000).toFixed(0)}s`,
    );
    await execute(url, 'VACUUM ANALYZE events');
    const file = join(dir, 'log.ndjson');
    await pipeline(
      Readable.from(exportLogLines(storeLogEntries(store), new Date())),
      createWriteStream(file),
    );

    const fromStore = () =>
      verifyLog({
        treeHeads: storeTreeHeads(store),
        events: storeLogEntries(store),
        publicKey: key.publicKeyPem,
      });
    const fromFile = () =>
      verifyLog({
        treeHeads: fileLogEntries(file, { onlyTreeHeads: true }),
        events: fileLogEntries(file),
        publicKey: key.publicKeyPem,
      });
    /** Reading alone, no hashing: the ceiling each source puts on any verifier. */
    const readOnly = async (entries: AsyncIterable<LogEntry>): Promise<number> => {
      const started = performance.now();
      let events = 0;
      for await (const _ of entries) events += 1;
      if (events !== log.events) throw new Error(`bench audit: read ${events} of ${log.events}`);
      return events / ((performance.now() - started) / 1000);
    };
    const rates = {
      store: [] as number[],
      file: [] as number[],
      raw: [] as number[],
      readStore: [] as number[],
      readFile: [] as number[],
    };
    // A short warm-up (the first events of the log, verdict ignored: the log is cut), then the
    // three in a rotating order so that drift hits all alike.
    await verifyLog({
      treeHeads: [],
      events: firstEntries(storeLogEntries(store), 50_000),
      publicKey: key.publicKeyPem,
    });
    rawSha256(log);
    for (let pass = 0; pass < s.passes; pass += 1) {
      const order = [
        async () => rates.store.push(checked('store', log, await timed(fromStore))),
        async () => rates.file.push(checked('file', log, await timed(fromFile))),
        () => Promise.resolve(rates.raw.push(rawSha256(log))),
        async () => rates.readStore.push(await readOnly(storeLogEntries(store))),
        async () => rates.readFile.push(await readOnly(fileLogEntries(file))),
      ];
      for (let k = 0; k < order.length; k += 1) await order[(pass + k) % order.length]();
      progress(
        `audit: verify pass ${pass + 1}: store ${rates.store.at(-1)?.toFixed(0)}, ` +
          `file ${rates.file.at(-1)?.toFixed(0)}, raw SHA-256 ${rates.raw.at(-1)?.toFixed(0)}, ` +
          `reading alone: store ${rates.readStore.at(-1)?.toFixed(0)}, ` +
          `file ${rates.readFile.at(-1)?.toFixed(0)} events/s`,
      );
    }
    const size = s.logSize.toLocaleString('en-US');
    const raw = median(rates.raw);
    return [
      row(`verify ${size} events from PostgreSQL`, 'events/s', median(rates.store), raw, {
        on: 'value',
        op: '>=',
        target: 100_000,
      }),
      row(
        `verify ${size} events from PostgreSQL vs raw SHA-256`,
        'events/s',
        median(rates.store),
        raw,
        {
          on: 'ratio',
          op: '>=',
          target: 0.5,
        },
      ),
      row(`verify ${size} events from an exported file`, 'events/s', median(rates.file), raw, {
        on: 'value',
        op: '>=',
        target: 100_000,
      }),
      // No goal: how fast each source gives the entries without any check (the ceiling).
      row(
        `read ${size} events from PostgreSQL, no verification`,
        'events/s',
        median(rates.readStore),
        null,
      ),
      row(
        `read ${size} events from an exported file, no verification`,
        'events/s',
        median(rates.readFile),
        null,
      ),
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
    await store.close();
  }
};

/**
 * One customer's first page of the audit timeline, newest first, through `AccessTimelineSearch`
 * (what `GET /v1/audit/access?customerId=` runs), timed in this process, one query at a time.
 */
const timelineBenchmark = async (
  url: string,
  s: AuditSettings,
  progress: (line: string) => void,
): Promise<Row[]> => {
  const dataSource: DataSource = createReadStoreDataSource({
    url,
    applicationName: 'custodia-bench-audit',
    entities: [...readStoreEntities],
    migrations: [...readStoreMigrations, ...accessTimelineMigrations],
  });
  await dataSource.initialize();
  try {
    await dataSource.runMigrations();
    await seedAccessTimeline(dataSource, s.timelineRows, s.timelineCustomers, progress);
    const search = new AccessTimelineSearch(dataSource);
    const once = async (): Promise<number> => {
      const customerId = timelineCustomerId(randomInt(s.timelineCustomers));
      const started = performance.now();
      const page = await search.page({ customerId }, { limit: s.timelineLimit });
      const ms = performance.now() - started;
      if (page.entries.some((entry) => entry.customerId !== customerId))
        throw new Error('bench audit: the timeline returned another customer');
      return ms;
    };
    for (let i = 0; i < s.timelineWarmup; i += 1) await once();
    const times: number[] = [];
    for (let i = 0; i < s.timelineSamples; i += 1) times.push(await once());
    const size = s.timelineRows.toLocaleString('en-US');
    const name = `access timeline, one customer among ${size} access events, ${s.timelineLimit} per page`;
    return [
      row(`${name}, p50`, 'ms', percentile(times, 50), null),
      row(`${name}, p99`, 'ms', percentile(times, 99), null, { on: 'value', op: '<', target: 20 }),
    ];
  } finally {
    await dataSource.destroy();
  }
};

/**
 * The `audit` group: `verifyLog` (hash chains, signed tree heads) over a seeded log read from
 * PostgreSQL and from an exported file, against raw SHA-256 of the same bytes; and the p99 of
 * one customer's access timeline among `timelineRows` access events.
 */
export const auditBenchmark = async (
  url: string,
  s: AuditSettings,
  progress: (line: string) => void,
): Promise<Row[]> => {
  const scratch = await scratchDatabase(url, 'audit');
  try {
    const migrations = new DataSource({
      type: 'postgres',
      url: scratch.url,
      migrations: [...eventStoreMigrations],
    });
    await migrations.initialize();
    await migrations.runMigrations();
    await migrations.destroy();
    // BENCH_AUDIT=verify or =timeline runs one half (the verify half seeds for ~12 min).
    const part = process.env.BENCH_AUDIT;
    return [
      ...(part === 'timeline' ? [] : await verifyBenchmark(scratch.url, s, progress)),
      ...(part === 'verify' ? [] : await timelineBenchmark(scratch.url, s, progress)),
    ];
  } finally {
    await scratch.drop();
  }
};
