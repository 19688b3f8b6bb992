/**
 * Soak: a steady mixed load on the embedded default (one API process, projections inline, its
 * own embedded PostgreSQL in a temporary directory), with the API process's memory and the
 * projection lag sampled every second.
 *
 *   node -r ./test/faults/harness/ts-register.cjs bench/soak.ts     (or `npm run soak`)
 *
 * SOAK_SECONDS (default 600), SOAK_RATE operations per second (default 10), SOAK_OUT (default
 * bench/results/soak). Writes <SOAK_OUT>.json (summary + samples) and <SOAK_OUT>.csv (samples),
 * prints the summary. The load generator runs in this process, the API in a child process.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { signDevelopmentToken } from '@custodia/identity';
import { freePort } from '@custodia/platform';

const ROOT = resolve(__dirname, '..');
const SECONDS = Number(process.env.SOAK_SECONDS ?? 600);
const RATE = Number(process.env.SOAK_RATE ?? 10);
const OUT = resolve(ROOT, process.env.SOAK_OUT ?? 'bench/results/soak');
const JWT_SECRET = `soak-${randomUUID()}-${randomUUID()}`;
const MASTER_KEY = Buffer.alloc(32, 0x3c).toString('base64');
const REPS = Array.from({ length: 8 }, (_, i) => `soak.rep${i}`);
const FOLLOWUP = { purpose: 'sales_followup', noticeVersion: 'general-2025-06', channel: 'web' };
const REQUEST_TIMEOUT_MS = 10_000;

type Sample = {
  readonly t: number;
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  /** V8's heap as reserved from the OS (what RSS follows), and memory outside it (Buffers). */
  readonly heapTotalBytes: number;
  readonly externalBytes: number;
  readonly lagSeconds: number;
  readonly ops: number;
};

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/** VmRSS of one process (not its children: the embedded PostgreSQL is measured apart). */
const rssOf = (pid: number): number => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
  return kb === undefined ? Number.NaN : Number(kb) * 1024;
};

/** One gauge from the Prometheus text: the max over its series. */
const gauge = (text: string, name: string): number => {
  let max = Number.NaN;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== ' ' && rest[0] !== '{') continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (!Number.isNaN(value)) max = Number.isNaN(max) ? value : Math.max(max, value);
  }
  return max;
};

const mean = (values: readonly number[]): number =>
  values.reduce((sum, v) => sum + v, 0) / Math.max(1, values.length);

/** Least-squares slope of y over x. */
const slope = (points: readonly (readonly [number, number])[]): number => {
  const mx = mean(points.map(([x]) => x));
  const my = mean(points.map(([, y]) => y));
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
};

const quantile = (sorted: readonly number[], q: number): number =>
  sorted.length === 0
    ? Number.NaN
    : (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN);

const startApi = (port: number, dataDir: string): ChildProcess => {
  const child = spawn(
    process.execPath,
    ['-r', join(ROOT, 'test/faults/harness/ts-register.cjs'), join(ROOT, 'apps/api/src/main.ts')],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        PORT: String(port),
        CUSTODIA_DATA_DIR: dataDir,
        AUTH_JWT_SECRET: JWT_SECRET,
        CUSTODIA_MASTER_KEY: MASTER_KEY,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  return child;
};

const main = async (): Promise<void> => {
  const scratch = mkdtempSync(join(tmpdir(), 'custodia-soak-'));
  chmodSync(scratch, 0o711); // as root, the embedded server runs as "postgres" and must enter it
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const loadStart = loadavg();
  mkdirSync(join(scratch, 'data'), { mode: 0o711 });
  const api = startApi(port, join(scratch, 'data'));
  const pid = api.pid ?? 0;
  let exited = false;
  api.once('exit', () => (exited = true));

  const call = async (
    method: string,
    path: string,
    token: string,
    body?: object,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; json: unknown; ms: number }> => {
    const started = performance.now();
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, json, ms: performance.now() - started };
  };

  try {
    const bootStart = Date.now();
    for (;;) {
      if (exited) throw new Error('the API process exited during start-up');
      const ok = await fetch(`${base}/health`)
        .then((r) => r.status === 200)
        .catch(() => false);
      if (ok) break;
      if (Date.now() - bootStart > 180_000) throw new Error('the API did not become healthy');
      await sleep(500);
    }
    const admin = await signDevelopmentToken({
      secret: JWT_SECRET,
      userId: 'admin',
      now: new Date(),
    });
    const tokens: string[] = [];
    for (const [i, id] of REPS.entries()) {
      const res = await call('POST', '/v1/users', admin, {
        id,
        displayName: `Soak ${i}`,
        roles: ['sales'],
        team: 'east',
      });
      if (res.status !== 201) throw new Error(`POST /v1/users answered ${res.status}`);
      tokens.push(await signDevelopmentToken({ secret: JWT_SECRET, userId: id, now: new Date() }));
    }

    const customers: { id: string; rep: number; at: number }[] = [];
    const statuses = new Map<string, number>();
    const latencies: number[] = [];
    let ops = 0;
    let failures = 0;
    let sequence = 0;
    const count = (kind: string, status: number): void => {
      const key = `${kind} ${status}`;
      statuses.set(key, (statuses.get(key) ?? 0) + 1);
    };

    /** 25% register, 25% follow-up, 50% read of a customer registered over 2 s ago. */
    const operation = async (n: number): Promise<void> => {
      const rep = n % REPS.length;
      const token = tokens[rep] ?? '';
      const ready = customers.filter((c) => c.rep === rep && Date.now() - c.at > 2_000);
      const target = ready[(n * 7919) % Math.max(1, ready.length)];
      const kind =
        n % 4 === 0 || target === undefined ? 'register' : n % 4 === 1 ? 'follow-up' : 'read';
      try {
        if (kind === 'register') {
          const res = await call('POST', '/v1/customers', token, {
            name: '王小明',
            phone: `139${String(n % 1e8).padStart(8, '0')}`,
            consents: [FOLLOWUP],
          });
          count(kind, res.status);
          latencies.push(res.ms);
          const id = (res.json as { id?: string } | undefined)?.id;
          if (res.status === 201 && id) customers.push({ id, rep, at: Date.now() });
        } else if (kind === 'follow-up' && target) {
          const res = await call('POST', `/v1/customers/${target.id}/follow-ups`, token, {
            purpose: 'sales_followup',
            channel: 'call',
            occurredAt: new Date().toISOString(),
            summary: `Soak call ${n}`,
          });
          count(kind, res.status);
          latencies.push(res.ms);
        } else if (target) {
          const res = await call('GET', `/v1/customers/${target.id}`, token, undefined, {
            'x-purpose': 'sales_followup',
          });
          count(kind, res.status);
          latencies.push(res.ms);
        }
      } catch (error) {
        failures += 1;
        count(kind, error instanceof Error && error.name === 'TimeoutError' ? -1 : 0);
      } finally {
        ops += 1;
      }
    };

    const samples: Sample[] = [];
    const started = Date.now();
    const inFlight = new Set<Promise<void>>();
    const loadTimer = setInterval(() => {
      const p = operation(sequence++);
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    }, 1000 / RATE);
    const sampleTimer = setInterval(() => {
      void (async () => {
        const metrics = await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(5_000) })
          .then((r) => r.text())
          .catch(() => '');
        samples.push({
          t: (Date.now() - started) / 1000,
          rssBytes: exited ? Number.NaN : rssOf(pid),
          heapUsedBytes: gauge(metrics, 'nodejs_heap_size_used_bytes'),
          heapTotalBytes: gauge(metrics, 'nodejs_heap_size_total_bytes'),
          externalBytes: gauge(metrics, 'nodejs_external_memory_bytes'),
          lagSeconds: gauge(metrics, 'custodia_projection_lag_seconds'),
          ops,
        });
      })();
    }, 1000);
    while (Date.now() - started < SECONDS * 1000 && !exited) {
      await sleep(1000);
      const last = samples.at(-1);
      if (last && Math.round(last.t) % 60 === 0) {
        process.stdout.write(
          `t=${Math.round(last.t)}s ops=${ops} rss=${(last.rssBytes / 2 ** 20).toFixed(1)}MiB heap=${(last.heapUsedBytes / 2 ** 20).toFixed(1)}MiB lag=${last.lagSeconds}s load=${loadavg()[0]?.toFixed(2)}\n`,
        );
      }
    }
    clearInterval(loadTimer);
    clearInterval(sampleTimer);
    await Promise.all([...inFlight]);
    if (exited) throw new Error('the API process died during the soak');

    const window = (from: number, to: number) => samples.filter((s) => s.t >= from && s.t < to);
    const mib = (bytes: number): number => Math.round((bytes / 2 ** 20) * 10) / 10;
    const first = window(0, 60);
    const last = window(SECONDS - 60, SECONDS + 1);
    const afterWarmup = samples.filter((s) => s.t >= Math.min(60, SECONDS / 4));
    const perMinute = (pick: (s: Sample) => number): number =>
      mib(slope(afterWarmup.map((s) => [s.t / 60, pick(s)] as const)));
    const sorted = [...latencies].sort((a, b) => a - b);
    // The heap's floor per minute (its lowest sample, right after a collection): what a leak
    // raises. Means and maxima mostly follow how long V8 lets garbage pile up between GCs.
    const minutes = Array.from({ length: Math.ceil(SECONDS / 60) }, (_, m) =>
      window(m * 60, (m + 1) * 60),
    ).filter((w) => w.length > 0);
    const floors = (pick: (s: Sample) => number): number[] =>
      minutes.map((w) => Math.min(...w.map(pick)));
    const heapFloors = floors((s) => s.heapUsedBytes);
    /** Means of the first and last minute, trend after warm-up, maximum and floors, in MiB. */
    const memory = (pick: (s: Sample) => number) => ({
      firstMinuteMean: mib(mean(first.map(pick))),
      lastMinuteMean: mib(mean(last.map(pick))),
      slopePerMinuteAfterWarmup: perMinute(pick),
      max: mib(Math.max(...samples.map(pick))),
      floorPerMinute: floors(pick).map(mib),
    });
    const summary = {
      seconds: SECONDS,
      ratePerSecond: RATE,
      operations: ops,
      failures,
      statuses: Object.fromEntries([...statuses].sort()),
      customersRegistered: customers.length,
      latencyMs: {
        p50: Math.round(quantile(sorted, 0.5)),
        p99: Math.round(quantile(sorted, 0.99)),
        max: Math.round(sorted.at(-1) ?? Number.NaN),
      },
      rssMiB: memory((s) => s.rssBytes),
      heapUsedMiB: {
        ...memory((s) => s.heapUsedBytes),
        floorSlopePerMinute: mib(slope(heapFloors.map((y, m) => [m, y] as const))),
      },
      // Where an RSS rise comes from: the heap V8 keeps reserved, or memory outside the heap.
      heapTotalMiB: {
        floorPerMinute: floors((s) => s.heapTotalBytes).map(mib),
        slopePerMinuteAfterWarmup: perMinute((s) => s.heapTotalBytes),
      },
      externalMiB: {
        floorPerMinute: floors((s) => s.externalBytes).map(mib),
        slopePerMinuteAfterWarmup: perMinute((s) => s.externalBytes),
      },
      projectionLagSeconds: {
        max: Math.max(...samples.map((s) => (Number.isNaN(s.lagSeconds) ? 0 : s.lagSeconds))),
        mean: Math.round(mean(samples.map((s) => s.lagSeconds || 0)) * 1000) / 1000,
      },
      loadAverage: {
        start: loadStart.map((l) => Math.round(l * 100) / 100),
        end: loadavg().map((l) => Math.round(l * 100) / 100),
      },
      cpus: cpus().length,
      node: process.version,
      at: new Date().toISOString(),
    };
    mkdirSync(dirname(OUT), { recursive: true });
    writeFileSync(`${OUT}.json`, `${JSON.stringify({ summary, samples }, null, 2)}\n`);
    writeFileSync(
      `${OUT}.csv`,
      [
        't_s,rss_bytes,heap_used_bytes,heap_total_bytes,external_bytes,lag_s,ops',
        ...samples.map(
          (s) =>
            `${s.t},${s.rssBytes},${s.heapUsedBytes},${s.heapTotalBytes},${s.externalBytes},${s.lagSeconds},${s.ops}`,
        ),
      ].join('\n') + '\n',
    );
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\nSamples: ${OUT}.json, ${OUT}.csv\n`);
  } finally {
    api.kill('SIGTERM');
    const killer = setTimeout(() => api.kill('SIGKILL'), 30_000);
    await new Promise((done) => (exited ? done(undefined) : api.once('exit', done)));
    clearTimeout(killer);
    rmSync(scratch, { recursive: true, force: true });
  }
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
