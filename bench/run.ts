import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { accessBenchmark, type AccessSettings } from './access.bench';
import { appendBenchmarks, type AppendSettings } from './append.bench';
import { auditBenchmark, type AuditSettings } from './audit.bench';
import { commandsBenchmark, type CommandSettings } from './commands.bench';
import { emmettBenchmark, type EmmettSettings } from './emmett.bench';
import { erasureBenchmark, type ErasureSettings } from './erasure.bench';
import { openBenchDatabase, serverInfo } from './bench-database';
import { benchEvent, payloadBytes } from './payload';
import { readAllBenchmark, seedLog, type ReadAllSettings } from './read-all.bench';
import { rebuildBenchmark, type RebuildSettings } from './rebuild.bench';
import { scaleBenchmark, type ScaleSettings } from './scale.bench';
import { openStore, POOL_SIZE } from './store-under-test';
import { machineInfo, renderTable, writeResults, type Row } from './report';
import { subscriptionBenchmark, type SubscriptionSettings } from './subscription.bench';

/**
 * `npm run bench`: the event store against raw `pg` baselines, side by side in one run.
 * BENCH_QUICK=1 shrinks every window for a ~20 s smoke run (numbers are then indicative only).
 */
const quick = process.env.BENCH_QUICK === '1';

/** BENCH_ONLY=append,commands runs only those groups; such a partial run writes no results file. */
const GROUPS = [
  'append',
  'emmett',
  'readAll',
  'subscription',
  'commands',
  'access',
  'erasure',
  'audit',
  'rebuild',
  'scale',
] as const;
type Group = (typeof GROUPS)[number];
const only = (process.env.BENCH_ONLY ?? '')
  .split(',')
  .map((name) => name.trim())
  .filter((name) => name !== '');
for (const name of only) {
  if (!(GROUPS as readonly string[]).includes(name))
    throw new Error(`BENCH_ONLY: unknown group "${name}" (groups: ${GROUPS.join(', ')})`);
}
const runs = (group: Group): boolean => only.length === 0 || only.includes(group);

const settings = {
  append: {
    rounds: quick ? 2 : 6,
    windowMs: quick ? 250 : 1200,
    warmupMs: quick ? 150 : 600,
    writers: [1, 8, 32],
    batchSize: 100,
    batchWriters: 1,
  } satisfies AppendSettings,
  emmett: {
    rounds: quick ? 2 : 8,
    windowMs: quick ? 250 : 1200,
    warmupMs: quick ? 150 : 600,
    writers: [1, 8],
    goalWriters: 8,
  } satisfies EmmettSettings,
  readAll: {
    logSize: quick ? 15_000 : 100_000,
    pageSize: 5_000,
    passes: quick ? 2 : 3,
  } satisfies ReadAllSettings,
  subscription: {
    samples: quick ? 40 : 300,
    rounds: quick ? 2 : 6,
    maxPauseMs: 20,
  } satisfies SubscriptionSettings,
  commands: {
    rounds: quick ? 2 : 6,
    windowMs: quick ? 500 : 2000,
    warmupMs: quick ? 250 : 1000,
    callers: 8,
  } satisfies CommandSettings,
  access: {
    rounds: quick ? 2 : 6,
    windowMs: quick ? 500 : 2000,
    warmupMs: quick ? 250 : 1000,
    callers: 8,
    directorySize: 100_000,
    owners: 50,
    teams: 10,
    samples: quick ? 60 : 300,
    warmupSamples: quick ? 10 : 50,
    listProjector: process.env.BENCH_LIST_PROJECTOR === 'live' ? 'live' : 'paused',
    projectorNice: Number(process.env.BENCH_PROJECTOR_NICE ?? 10),
  } satisfies AccessSettings,
  erasure: {
    samples: quick ? 6 : 40,
    warmupSamples: quick ? 2 : 4,
    sizes: [10, 10_000],
    appendBatch: 500,
    prepareConcurrency: 4,
  } satisfies ErasureSettings,
  audit: {
    logSize: quick ? 20_000 : 1_000_000,
    headEvery: quick ? 5_000 : 100_000,
    passes: quick ? 1 : 2,
    timelineRows: quick ? 100_000 : 1_000_000,
    timelineCustomers: quick ? 5_000 : 50_000,
    timelineSamples: quick ? 200 : 2_000,
    timelineWarmup: quick ? 20 : 200,
    timelineLimit: 100,
  } satisfies AuditSettings,
  rebuild: {
    // BENCH_REBUILD_SIZES=10000000 measures other log sizes (comma-separated, growing).
    sizes:
      process.env.BENCH_REBUILD_SIZES?.split(',').map(Number) ??
      (quick ? [10_000, 30_000] : [100_000, 1_000_000]),
    rounds: quick ? 1 : 3,
    manyRoundsUpTo: 200_000,
    referenceBatch: 2_000,
  } satisfies RebuildSettings,
  scale: {
    directorySize: quick ? 100_000 : 1_000_000,
    owners: 50,
    teams: 10,
    samples: quick ? 200 : 2_000,
    warmupSamples: quick ? 20 : 200,
    loadSeconds: quick ? 10 : 60,
    loadConnections: 4,
    plansFile: process.env.BENCH_SCALE_PLANS,
  } satisfies ScaleSettings,
};

const RESULTS = join(__dirname, '..', '..', 'bench', 'results', 'latest.json');

const main = async (): Promise<void> => {
  const started = performance.now();
  const loadBefore = loadavg()[0];
  const elapsed = (): string => `${((performance.now() - started) / 1000).toFixed(1)}s`;
  const progress = (line: string): void => console.log(`[bench ${elapsed()}] ${line}`);

  const db = await openBenchDatabase(progress);
  const { store, raw, close } = await openStore(db.url);
  try {
    const info = await serverInfo(db.url);
    progress(`PostgreSQL: ${info.pg}`);
    const rows: Row[] = [];
    if (runs('append'))
      rows.push(...(await appendBenchmarks(store, raw, settings.append, progress)));
    if (runs('emmett'))
      rows.push(...(await emmettBenchmark(db.url, store, settings.emmett, progress)));
    const logSize = runs('readAll') ? await seedLog(raw, settings.readAll.logSize, progress) : 0;
    if (runs('readAll')) rows.push(await readAllBenchmark(store, raw, settings.readAll, progress));
    if (runs('subscription'))
      rows.push(...(await subscriptionBenchmark(store, raw, settings.subscription, progress)));
    if (runs('commands'))
      rows.push(...(await commandsBenchmark(db.url, settings.commands, progress)));
    if (runs('access')) rows.push(...(await accessBenchmark(db.url, settings.access, progress)));
    if (runs('erasure')) rows.push(...(await erasureBenchmark(db.url, settings.erasure, progress)));
    if (runs('audit')) rows.push(...(await auditBenchmark(db.url, settings.audit, progress)));
    if (runs('rebuild')) rows.push(...(await rebuildBenchmark(db.url, settings.rebuild, progress)));
    if (runs('scale')) rows.push(...(await scaleBenchmark(db.url, settings.scale, progress)));

    const results = {
      machine: machineInfo(info.pg, info.settings),
      config: {
        quick,
        database: db.origin,
        poolSize: POOL_SIZE,
        payloadBytes: payloadBytes(benchEvent(0)),
        logSize,
        durationSeconds: Math.round((performance.now() - started) / 1000),
        // Other processes on the machine skew absolute numbers; ratios are measured side by side.
        loadAverage1m: { start: loadBefore, end: loadavg()[0] },
        ...settings,
      },
      rows,
    };
    if (only.length === 0) writeResults(RESULTS, results);
    console.log(
      `\n${results.machine.date} · ${results.machine.cpus}× ${results.machine.cpuModel} · ` +
        `node ${results.machine.node} · ${info.pg.split(' on ')[0]} · ${db.origin} · ` +
        `load ${loadBefore.toFixed(1)} → ${loadavg()[0].toFixed(1)}\n`,
    );
    console.log(renderTable(rows));
    const goals = rows.filter((r) => r.pass !== null);
    const missed = goals.filter((r) => r.pass === false).map((r) => r.name);
    console.log(
      `\ngoals met: ${goals.length - missed.length}/${goals.length}` +
        (missed.length ? ` (missed: ${missed.join('; ')})` : ''),
    );
    console.log(
      only.length === 0
        ? `written to ${RESULTS} in ${elapsed()}`
        : `BENCH_ONLY=${only.join(',')}: a partial run, not written to ${RESULTS} (${elapsed()})`,
    );
    if (quick) console.log('BENCH_QUICK=1: short windows, treat the numbers as a smoke test.');
  } finally {
    await close();
    await db.close();
  }
};

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
