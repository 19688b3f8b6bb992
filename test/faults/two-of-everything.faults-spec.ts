import type { Position } from '@custodia/event-store';
import { LoadGenerator, registerReps, seededRandom, summarize } from './harness/load';
import type { CustodiaProcess } from './harness/processes';
import { ADMIN, FaultStack, projectionFilters, readModelDiff } from './harness/stack';
import { checkLog } from './harness/verify';

const SEED = Number(process.env.FAULTS_SEED ?? 20261130);
/** Seconds of load before and after the active projector is killed. */
const PHASE_SECONDS = Number(process.env.FAULTS_PHASE_SECONDS ?? 8);
const REPS = ['two.rep0', 'two.rep1', 'two.rep2', 'two.rep3'];
const DPO = 'two.dpo';
const PROBLEM = /^application\/problem\+json/;

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

type Backend = { readonly label: string; readonly kurrentdbUrl: string | undefined };

const BACKENDS: Backend[] = [
  { label: 'PostgreSQL', kurrentdbUrl: undefined },
  { label: 'KurrentDB', kurrentdbUrl: process.env.KURRENTDB_URL },
];

describe.each(BACKENDS)('two APIs and two projectors on one database ($label log)', (backend) => {
  // The KurrentDB run needs a server: skipped (and reported as skipped) without KURRENTDB_URL.
  const maybe = backend.label === 'KurrentDB' && backend.kurrentdbUrl === undefined ? it.skip : it;
  let stack: FaultStack;
  let apiA: CustodiaProcess;
  let apiB: CustodiaProcess;
  let active: CustodiaProcess;
  let standby: CustodiaProcess;

  afterAll(async () => {
    await stack?.close();
  });

  maybe(
    'spreads load over both APIs, applies each event once, takes over from a killed projector, evicts erased keys everywhere',
    async () => {
      stack = await FaultStack.start(
        backend.kurrentdbUrl === undefined ? {} : { kurrentdbUrl: backend.kurrentdbUrl },
      );
      apiA = await stack.api('api-a');
      apiB = await stack.api('api-b');
      active = stack.projector('projector-1');
      standby = stack.projector('projector-2');
      apiA.start();
      apiB.start();
      await Promise.all([apiA.healthy(), apiB.healthy()]);
      // The first projector takes every lock; the second, started once it has them, waits.
      active.start();
      await stack.waitCaughtUp(120_000);
      standby.start();
      // Up and trying the locks before anything is measured (its boot is not its takeover).
      await standby.printed(/Projector running/);

      const admin = await stack.token(ADMIN);
      const reps = await registerReps(apiA, admin, REPS, (id) => stack.token(id));
      const dpoAnswer = await fetch(`http://127.0.0.1:${apiB.port}/v1/users`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({ id: DPO, displayName: 'DPO', roles: ['dpo'], team: null }),
      });
      expect(dpoAnswer.status).toBe(201);

      // Checkpoints, sampled all along: never moving backwards.
      const regressions: string[] = [];
      const lastSeen = new Map<string, { position: Position | undefined; applied: number }>();
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          const now = await stack.checkpoints().catch(() => undefined);
          for (const [name, checkpoint] of now ?? []) {
            const before = lastSeen.get(name);
            const backwards =
              before !== undefined &&
              (checkpoint.applied < before.applied ||
                (before.position !== undefined &&
                  (checkpoint.position === undefined ||
                    stack.store().comparePositions(checkpoint.position, before.position) < 0)));
            if (backwards) regressions.push(`${name}: ${before.applied} -> ${checkpoint.applied}`);
            lastSeen.set(name, checkpoint);
          }
          await sleep(200);
        }
      })();

      const load = new LoadGenerator([apiA, apiB], reps, seededRandom(SEED + 2), 'two');
      load.start(4);
      await sleep(PHASE_SECONDS * 1_000);

      // Kill the active projector; the standby retries the locks and drains what piled up.
      const head = await stack.store().headPosition();
      const backlogAtKill = await stack.pending(head);
      const advisoryLocks = async (): Promise<number> =>
        Number(
          (
            await stack.query<{ n: string }>(
              `SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND granted`,
            )
          )[0]?.n ?? 0,
        );
      const locksHeld = await advisoryLocks();
      const killedAt = Date.now();
      await active.kill();
      // Read once the killed process is gone: nothing it sent can commit after this.
      const before = await stack.checkpoints();
      // Taken over: every projection fed by the load has applied events past where the killed
      // one left it (the others get no events to prove anything with).
      const fed = ['CustomerRegistered', 'FollowUpLogged', 'CustomerDataAccessed'];
      const waiting = new Set(
        projectionFilters()
          .filter(({ eventTypes }) => !eventTypes || eventTypes.some((t) => fed.includes(t)))
          .map(({ name }) => name),
      );
      const projectionsTakenOver = waiting.size;
      // First: the standby holds as many advisory locks as the killed one did.
      let locksRetakenMs: number | undefined;
      while (locksRetakenMs === undefined && Date.now() - killedAt < 120_000) {
        if ((await advisoryLocks().catch(() => 0)) >= locksHeld)
          locksRetakenMs = Date.now() - killedAt;
        else await sleep(50);
      }
      while (waiting.size > 0 && Date.now() - killedAt < 120_000) {
        const now = await stack.checkpoints().catch(() => undefined);
        for (const name of [...waiting]) {
          if ((now?.get(name)?.applied ?? 0) > (before.get(name)?.applied ?? 0))
            waiting.delete(name);
        }
        if (waiting.size > 0) await sleep(50);
      }
      const takeoverMs = Date.now() - killedAt;
      await stack.waitCaughtUp(120_000, head);
      const drainedMs = Date.now() - killedAt;
      await sleep(PHASE_SECONDS * 1_000);
      const record = await load.stop();

      // Erasure through API A; API B then neither shows nor reveals that customer.
      const erasure = await eraseThroughAAndProbeB(stack, apiA, apiB, reps[0]?.token ?? '');

      const caughtUpMs = await stack.waitCaughtUp(120_000);
      sampling = false;
      await sampler;
      expect([0, 143, 'SIGTERM']).toContain(await apiA.stop());
      expect([0, 143, 'SIGTERM']).toContain(await apiB.stop());
      expect([0, 143, 'SIGTERM']).toContain(await standby.stop());

      const log = await stack.readLog();
      const findings = checkLog(log, record);
      // Each projection applied each event of its filter exactly once since its start from zero.
      const checkpoints = await stack.checkpoints();
      const appliedVersusLog = projectionFilters()
        .map(({ name, eventTypes }) => ({
          name,
          applied: checkpoints.get(name)?.applied,
          inLog: log.filter((e) => eventTypes === undefined || eventTypes.includes(e.type)).length,
        }))
        .filter(({ applied, inLog }) => applied !== inLog);
      const live = await stack.snapshotReadModels();
      await stack.rebuildFromZero();
      const rebuilt = await stack.snapshotReadModels();

      const summary = {
        backend: backend.label,
        ...summarize(record),
        commandsFoundExactlyOnce: findings.customersFound + findings.followUpsFound,
        readsWithAccessEvent: record.dataReads.length - findings.readsWithoutAccessEvent.length,
        projectionsBehindAtKill: backlogAtKill.length,
        projectionsTakenOver,
        advisoryLocksHeldBeforeKill: locksHeld,
        locksRetakenMs,
        standbyTakeoverMs: takeoverMs,
        backlogDrainedMs: drainedMs,
        catchUpAtEndMs: caughtUpMs,
        checkpointRegressions: regressions.length,
        erasure,
        eventsInLog: log.length,
      };
      process.stdout.write(
        `\nFAULT SUITE (two of everything)\n${JSON.stringify(summary, null, 2)}\n`,
      );
      if (process.env.FAULTS_LOG_LEVEL !== undefined) {
        process.stdout.write(`killed at ${new Date(killedAt).toISOString()}; standby log:\n`);
        process.stdout.write(`${standby.tail(400)}\n`);
      }

      expect(record.customers.length).toBeGreaterThan(0);
      expect(Object.keys(record.answeredBy).sort()).toEqual(['api-a', 'api-b']);
      expect(findings.notExactlyOnce).toEqual([]);
      expect(findings.readsWithoutAccessEvent).toEqual([]);
      expect(record.bad).toEqual([]);
      expect(record.timeouts).toBe(0);
      expect(regressions).toEqual([]);
      expect(waiting).toEqual(new Set());
      expect(appliedVersusLog).toEqual([]);
      expect(erasure.bLeaks).toEqual([]);
      expect(erasure.bStatuses).toEqual({ read: 410, followUps: 410, reveal: 410 });
      expect(readModelDiff(live, rebuilt)).toEqual({});
    },
  );
});

/**
 * Registers a customer with a recognisable phone through API A, has API B reveal it (B now holds
 * the customer's data key), erases it through API A (privacy request → verify → execute), then
 * asks API B for it: every answer must be 410 problem+json, and none may carry the phone.
 */
const eraseThroughAAndProbeB = async (
  stack: FaultStack,
  apiA: CustodiaProcess,
  apiB: CustodiaProcess,
  repToken: string,
): Promise<{ bStatuses: Record<string, number>; bLeaks: string[]; revealBeforeOnB: number }> => {
  const phone = '13912345678';
  const dpo = await stack.token(DPO);
  const call = async (
    api: CustodiaProcess,
    token: string,
    method: string,
    path: string,
    body?: object,
  ): Promise<{ status: number; text: string; contentType: string }> => {
    const res = await fetch(`http://127.0.0.1:${api.port}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        'x-purpose': 'sales_followup',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return {
      status: res.status,
      text: await res.text(),
      contentType: res.headers.get('content-type') ?? '',
    };
  };
  const FOLLOWUP = { purpose: 'sales_followup', noticeVersion: 'general-2025-06', channel: 'web' };
  const created = await call(apiA, repToken, 'POST', '/v1/customers', {
    name: '钱抹去',
    phone,
    consents: [FOLLOWUP],
  });
  expect(created.status).toBe(201);
  const id = (JSON.parse(created.text) as { id: string }).id;
  await stack.waitCaughtUp(60_000);
  const reveal = { fields: ['phone'], purpose: 'sales_followup', reason: 'fault suite key probe' };
  const before = await call(apiB, repToken, 'POST', `/v1/customers/${id}/reveal`, reveal);
  expect(before.text).toContain(phone); // B has unwrapped (and cached) the customer's key

  const opened = await call(apiA, dpo, 'POST', '/v1/privacy-requests', {
    customerId: id,
    type: 'erasure',
    regime: 'PIPL',
  });
  expect(opened.status).toBe(201);
  const requestId = (JSON.parse(opened.text) as { id: string }).id;
  expect((await call(apiA, dpo, 'POST', `/v1/privacy-requests/${requestId}/verify`)).status).toBe(
    200,
  );
  expect((await call(apiA, dpo, 'POST', `/v1/privacy-requests/${requestId}/execute`)).status).toBe(
    200,
  );

  // At once, before any projection caught up: B reads the log and its keys.
  const answers = {
    reveal: await call(apiB, repToken, 'POST', `/v1/customers/${id}/reveal`, reveal),
    followUps: await call(apiB, repToken, 'GET', `/v1/customers/${id}/follow-ups`),
    read: await call(apiB, repToken, 'GET', `/v1/customers/${id}`),
  };
  await stack.waitCaughtUp(60_000);
  const settled = {
    reveal: await call(apiB, repToken, 'POST', `/v1/customers/${id}/reveal`, reveal),
    followUps: await call(apiB, repToken, 'GET', `/v1/customers/${id}/follow-ups`),
    read: await call(apiB, repToken, 'GET', `/v1/customers/${id}`),
  };
  const all = [...Object.entries(answers), ...Object.entries(settled)];
  return {
    revealBeforeOnB: before.status,
    bStatuses: Object.fromEntries(
      Object.entries(settled).map(([k, v]) => [
        k,
        PROBLEM.test(v.contentType) ? v.status : -v.status,
      ]),
    ),
    bLeaks: all
      .filter(([, v]) => v.text.includes(phone) || v.text.includes('钱抹去'))
      .map(([k, v]) => `${k} ${v.status}`),
  };
};
