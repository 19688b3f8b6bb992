import {
  LoadGenerator,
  registerReps,
  REQUEST_TIMEOUT_MS,
  seededRandom,
  summarize,
} from './harness/load';
import type { CustodiaProcess } from './harness/processes';
import { ADMIN, FaultStack, readModelDiff } from './harness/stack';
import { checkLog } from './harness/verify';

/** Faults injected: each round SIGKILLs the API or the projector, one round restarts PostgreSQL. */
const ROUNDS = Number(process.env.FAULTS_ROUNDS ?? 12);
const SEED = Number(process.env.FAULTS_SEED ?? 20261130);
const CONCURRENCY = 4;
const REPS = ['flt.rep0', 'flt.rep1', 'flt.rep2', 'flt.rep3'];

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

describe(`crash and restart (SIGKILL of API and projector, PostgreSQL restart; ${ROUNDS} rounds, seed ${SEED})`, () => {
  let stack: FaultStack;
  let api: CustodiaProcess;
  let projector: CustodiaProcess;

  beforeAll(async () => {
    stack = await FaultStack.start();
    api = await stack.api('api');
    projector = stack.projector('projector');
    api.start();
    await api.healthy();
    projector.start();
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('keeps every acknowledged command exactly once, records every read, and never answers 500', async () => {
    const reps = await registerReps(api, await stack.token(ADMIN), REPS, (id) => stack.token(id));
    const faults = seededRandom(SEED);
    const load = new LoadGenerator([api], reps, seededRandom(SEED + 1), 'crash');
    load.start(CONCURRENCY);

    const pgRound = Math.max(1, Math.ceil(ROUNDS / 2));
    const events: string[] = [];
    for (let round = 1; round <= ROUNDS; round += 1) {
      await sleep(1_000 + faults() * 3_000);
      if (round === pgRound) {
        await stack.restartPostgres(1_000 + faults() * 2_000);
        events.push('postgres restarted');
        // Both processes ride it out: the API answers again, the projector is still there.
        await api.healthy();
        expect({ projectorAlive: projector.running }).toEqual({ projectorAlive: true });
        continue;
      }
      const victim = faults() < 0.5 ? api : projector;
      await victim.kill();
      events.push(`${victim.name} killed`);
      await sleep(300 + faults() * 1_500);
      victim.start();
      if (victim === api) await api.healthy();
    }
    await sleep(2_000);
    const record = await load.stop();

    await api.healthy();
    const caughtUpMs = await stack.waitCaughtUp(180_000);
    expect([0, 143, 'SIGTERM']).toContain(await api.stop());
    expect([0, 143, 'SIGTERM']).toContain(await projector.stop());

    const findings = checkLog(await stack.readLog(), record);
    const live = await stack.snapshotReadModels();
    await stack.rebuildFromZero();
    const rebuilt = await stack.snapshotReadModels();
    const directory = new Set(
      (
        await stack.query<{ id: string }>('SELECT customer_id AS id FROM access_customer_directory')
      ).map((row) => row.id),
    );

    const summary = {
      rounds: ROUNDS,
      seed: SEED,
      faults: events,
      killsSurvived: api.kills + projector.kills,
      postgresRestarts: stack.pgRestarts,
      ...summarize(record),
      commandsFoundExactlyOnce: findings.customersFound + findings.followUpsFound,
      readsWithAccessEvent: record.dataReads.length - findings.readsWithoutAccessEvent.length,
      eventsInLog: findings.events,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
      catchUpAfterLoadMs: caughtUpMs,
      readModelRows: Object.fromEntries(Object.entries(live).map(([t, rows]) => [t, rows.length])),
    };
    process.stdout.write(
      `\nFAULT SUITE (crash and restart)\n${JSON.stringify(summary, null, 2)}\n`,
    );
    if (record.bad.length > 0) process.stdout.write(`API errors:\n${api.errors.join('\n')}\n`);

    // Faults happened and were seen by clients; the load got through in between.
    expect(api.kills + projector.kills).toBe(ROUNDS - 1);
    expect(record.customers.length).toBeGreaterThan(0);
    expect(record.dataReads.length).toBeGreaterThan(0);
    expect(record.connectionErrors + record.unavailable).toBeGreaterThan(0);
    // Nothing acknowledged is lost or doubled; every read that returned data is on record.
    expect(findings.notExactlyOnce).toEqual([]);
    expect(findings.readsWithoutAccessEvent).toEqual([]);
    expect(record.customers.filter(({ id }) => !directory.has(id))).toEqual([]);
    // Outages answer 503 problem+json (or refuse the connection), never another 5xx, never hang.
    expect(record.bad).toEqual([]);
    expect(record.timeouts).toBe(0);
    // The read models equal a rebuild from zero: no row missing, none doubled.
    expect(readModelDiff(live, rebuilt)).toEqual({});
  });
});
