import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { setPriority } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { signDevelopmentToken } from '@custodia/identity';
import { seedDirectory, teamName } from './access-directory-seed';
import { cpuMs, cpuPerRequest, writePlans } from './access-diagnostics';
import { type HttpClient, httpClient, type HttpResponse } from './access-http';
import { scratchDatabase } from './bench-database';
import { Client } from 'pg';
import { interleave, median, percentile, rate, sleep, timedWindow } from './measure';
import { row, type Row } from './report';

export type AccessSettings = {
  readonly rounds: number;
  readonly windowMs: number;
  readonly warmupMs: number;
  readonly callers: number;
  /** Rows seeded into the customer directory for the list latency rows. */
  readonly directorySize: number;
  readonly owners: number;
  readonly teams: number;
  readonly samples: number;
  readonly warmupSamples: number;
  /**
   * `paused`: the projector process is stopped (SIGSTOP) while list latency is measured, once it
   * has caught up, and resumed after each list row; `live`: it runs throughout.
   */
  readonly listProjector: 'paused' | 'live';
  /**
   * The projector process's nice value (os.setPriority; 0 = the APIs' priority): projections and
   * alert rules are background work, so under saturation they lag instead of taking CPU from
   * the requests, as on a host of their own.
   */
  readonly projectorNice: number;
};

const PURPOSE = 'sales_followup';
const ADMIN = 'bench.admin';
const REP = 'bench.rep';
const MANAGER = 'bench.manager';
/** The manager's team; the rep is in another one, so the manager's pages hold seeded rows only. */
const MANAGER_TEAM = teamName(3);
const REP_TEAM = teamName(0);
const PAGE = 50;
const DAY_MS = 86_400_000;

type BenchProcess = {
  readonly pid: number;
  readonly port: number | undefined;
  stop(): Promise<void>;
};

/**
 * Forks bench/access-process.ts in `role` with `env` on top of this process's environment and
 * waits until it is ready. BENCH_CPU_PROF=<dir> starts it under `--cpu-prof` (profile named
 * after `label`, written when it stops).
 */
const startProcess = (label: string, env: Record<string, string>): Promise<BenchProcess> =>
  new Promise((resolve, reject) => {
    const profileDir = process.env.BENCH_CPU_PROF;
    const child = fork(join(__dirname, 'access-process.js'), [], {
      env: { ...process.env, ...env },
      execArgv:
        profileDir === undefined
          ? []
          : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${label}.cpuprofile`],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    const failed = (code: number | null) =>
      reject(new Error(`bench access: the ${label} process exited (${code}) before it was ready`));
    child.once('exit', failed);
    child.once('message', (message: { port?: number }) => {
      child.off('exit', failed);
      resolve({
        pid: child.pid ?? 0,
        port: message.port,
        stop: async () => {
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.send('stop');
          const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
          await exited;
          clearTimeout(timer);
        },
      });
    });
  });

const expectStatus = (what: string, res: HttpResponse, status: number): HttpResponse => {
  if (res.status !== status) {
    throw new Error(`bench access: ${what} answered ${res.status}: ${JSON.stringify(res.body)}`);
  }
  return res;
};

/** Retries `probe` until it returns true (projections and the user directory are eventual). */
const eventually = async (what: string, probe: () => Promise<boolean>): Promise<void> => {
  const deadline = Date.now() + 30_000;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`bench access: timed out waiting for ${what}`);
    await sleep(50);
  }
};

type Side = { readonly label: string; readonly client: HttpClient };

/** `callers` customers of the rep, each with a `sales_followup` consent. */
const registerCustomers = async (
  client: HttpClient,
  token: string,
  count: number,
): Promise<string[]> => {
  const ids: string[] = [];
  for (let n = 0; n < count; n += 1) {
    const res = await client.call('POST', '/v1/customers', {
      token,
      body: {
        name: '张伟',
        phone: `1380013${String(8000 + n).padStart(4, '0')}`,
        email: `zhang.wei.${n}@example.com`,
        wechat: 'zhangwei_88',
        company: '示例科技有限公司',
        consents: [{ purpose: PURPOSE, noticeVersion: 'general-2025-06', channel: 'web' }],
      },
    });
    ids.push((expectStatus('POST /v1/customers', res, 201).body as { id: string }).id);
  }
  return ids;
};

/**
 * Requests/s of `GET /v1/customers/:id` at `callers` concurrent callers: the app as it runs
 * (every read appends a CustomerDataAccessed through the group-committing AccessRecorder before
 * the response leaves) against the same app with ACCESS_LOG replaced by a no-op, on the same
 * database, interleaved rounds. Each caller reads its own customer.
 */
const singleReadRow = async (
  subject: Side,
  reference: Side,
  token: string,
  customerIds: readonly string[],
  s: AccessSettings,
): Promise<Row> => {
  const window = (side: Side) => (round: number) =>
    timedWindow(s.callers, round < 0 ? s.warmupMs : s.windowMs, async (worker) => {
      const id = customerIds[worker % customerIds.length];
      const res = await side.client.call('GET', `/v1/customers/${id}`, { token, purpose: PURPOSE });
      expectStatus(`GET /v1/customers/:id (${side.label})`, res, 200);
      return 1;
    });
  const result = await interleave(
    s.rounds,
    { label: subject.label, run: window(subject) },
    { label: reference.label, run: window(reference) },
  );
  return row(
    `GET /v1/customers/:id, ${s.callers} callers (audited vs access log off)`,
    'requests/s',
    median(result.subject.map(rate)),
    median(result.reference.map(rate)),
    { on: 'ratio', op: '>=', target: 0.5 },
  );
};

type ListVariant = {
  readonly name: string;
  /** Query parameters after `limit` (the directory filter, or a cursor). */
  readonly query: Record<string, string>;
  readonly path: string;
};

/**
 * p50 and p99 of one list request, sequential (one in flight), `samples` per side after
 * `warmupSamples`, subject and reference alternating request by request.
 */
const listRows = async (
  subject: Side,
  reference: Side,
  token: string,
  variant: ListVariant,
  s: AccessSettings,
): Promise<Row[]> => {
  const once = async (side: Side): Promise<number> => {
    const started = performance.now();
    const res = await side.client.call('GET', variant.path, { token, purpose: PURPOSE });
    const ms = performance.now() - started;
    expectStatus(`${variant.name} (${side.label})`, res, 200);
    const items = (res.body as { items: unknown[] }).items.length;
    if (items !== PAGE) {
      throw new Error(`bench access: ${variant.name} returned ${items} items, not ${PAGE}`);
    }
    return ms;
  };
  for (let i = 0; i < s.warmupSamples; i += 1) {
    await once(subject);
    await once(reference);
  }
  const times = { subject: [] as number[], reference: [] as number[] };
  for (let i = 0; i < s.samples; i += 1) {
    if (i % 2 === 0) {
      times.subject.push(await once(subject));
      times.reference.push(await once(reference));
    } else {
      times.reference.push(await once(reference));
      times.subject.push(await once(subject));
    }
  }
  const name = `${variant.name}, ${s.directorySize.toLocaleString('en-US')} customers`;
  return [
    row(`${name} p50`, 'ms', percentile(times.subject, 50), percentile(times.reference, 50)),
    row(`${name} p99`, 'ms', percentile(times.subject, 99), percentile(times.reference, 99), {
      on: 'value',
      op: '<',
      target: 20,
    }),
  ];
};

/**
 * Stops the projector process (SIGSTOP) once it has caught up: its CPU time stood still for
 * 300 ms and no connection to the database is inside a statement or a transaction (so it holds
 * no lock and no snapshot while stopped). Returns how to resume it (SIGCONT).
 */
const pauseProjector = async (url: string, pid: number): Promise<() => void> => {
  const client = new Client({ connectionString: url });
  await client.connect();
  const busy = async (): Promise<number> => {
    const { rows } = await client.query<{ busy: number }>(
      `SELECT count(*)::int AS busy FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid()
          AND state IS NOT NULL AND state <> 'idle'`,
    );
    return rows[0].busy;
  };
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (Date.now() > deadline) throw new Error('bench access: the projector never caught up');
      const before = await cpuMs(pid);
      await sleep(300);
      if ((await cpuMs(pid)) !== before || (await busy()) > 0) continue;
      process.kill(pid, 'SIGSTOP');
      await sleep(20);
      if ((await busy()) === 0) return () => process.kill(pid, 'SIGCONT');
      process.kill(pid, 'SIGCONT'); // stopped inside a transaction after all: try again
    }
  } finally {
    await client.end();
  }
};

/** The cursor that opens page `page` (1-based) of `path` for the manager. */
const cursorTo = async (side: Side, token: string, path: string, page: number): Promise<string> => {
  let cursor: string | null = null;
  for (let n = 1; n < page; n += 1) {
    const query: string = cursor === null ? path : `${path}&cursor=${encodeURIComponent(cursor)}`;
    const res = await side.client.call('GET', query, { token, purpose: PURPOSE });
    cursor = (
      expectStatus('GET /v1/customers (paging)', res, 200).body as {
        nextCursor: string | null;
      }
    ).nextCursor;
    if (cursor === null) break;
  }
  if (cursor === null) throw new Error(`bench access: ${path} has fewer than ${page} pages`);
  return cursor;
};

/**
 * The `access` group: what auditing every read costs over real HTTP, and list latency in a
 * directory of `directorySize` customers. Processes of their own on one scratch database, the
 * load generated from this one: two instances of the real app with PROJECTOR=off (the subject
 * as configured, the reference with ACCESS_LOG replaced by a no-op `record`) and one projector
 * (projections and alert rules), paused while list latency is measured (`listProjector`).
 */
export const accessBenchmark = async (
  url: string,
  s: AccessSettings,
  progress: (line: string) => void,
): Promise<Row[]> => {
  progress(`access: two apps over HTTP, ${s.callers} callers; lists over ${s.directorySize} rows`);
  const scratch = await scratchDatabase(url, 'access');
  const secret = randomBytes(32).toString('hex');
  const env = {
    DATABASE_URL: scratch.url,
    LOG_LEVEL: 'silent',
    // The APIs serve requests only; projections and alert rules run in their own process.
    PROJECTOR: 'off',
    AUTH_JWT_SECRET: secret,
    CUSTODIA_MASTER_KEY: randomBytes(32).toString('base64'),
    BOOTSTRAP_ADMIN_ID: ADMIN,
  };
  const processes: BenchProcess[] = [];
  const clients: HttpClient[] = [];
  try {
    // One after the other: the first runs the migrations and creates the bootstrap admin.
    const audited = await startProcess('api-audited', { ...env, BENCH_ROLE: 'api' });
    processes.push(audited);
    const projector = await startProcess('projector', { ...env, BENCH_ROLE: 'projector' });
    setPriority(projector.pid, s.projectorNice);
    processes.push(projector);
    const unaudited = await startProcess('api-access-log-off', {
      ...env,
      BENCH_ROLE: 'api',
      BENCH_ACCESS_LOG: 'off',
    });
    processes.push(unaudited);
    const subject: Side = {
      label: 'audited',
      client: httpClient(`http://127.0.0.1:${audited.port}`, s.callers),
    };
    const reference: Side = {
      label: 'access log off',
      client: httpClient(`http://127.0.0.1:${unaudited.port}`, s.callers),
    };
    clients.push(subject.client, reference.client);

    const token = (userId: string) =>
      signDevelopmentToken({ secret, userId, now: new Date(), ttlSeconds: 4 * 3600 });
    const adminToken = await token(ADMIN);
    for (const [id, role, team] of [
      [REP, 'sales', REP_TEAM],
      [MANAGER, 'sales_manager', MANAGER_TEAM],
    ] as const) {
      const res = await subject.client.call('POST', '/v1/users', {
        token: adminToken,
        body: { id, displayName: id, roles: [role], team },
      });
      expectStatus(`POST /v1/users ${id}`, res, 201);
    }
    const repToken = await token(REP);
    const managerToken = await token(MANAGER);
    let customerIds: string[] = [];
    await eventually('the rep in the user directory', async () => {
      const res = await subject.client.call('GET', '/v1/customers', {
        token: repToken,
        purpose: PURPOSE,
      });
      return res.status === 200;
    });
    customerIds = await registerCustomers(subject.client, repToken, s.callers);
    for (const side of [subject, reference]) {
      await eventually(`GET /v1/customers/:id on the ${side.label} app`, async () => {
        for (const id of customerIds) {
          const res = await side.client.call('GET', `/v1/customers/${id}`, {
            token: repToken,
            purpose: PURPOSE,
          });
          if (res.status !== 200) return false;
        }
        return true;
      });
    }

    for (const side of [subject, reference]) {
      await eventually(`the manager on the ${side.label} app`, async () => {
        const res = await side.client.call('GET', '/v1/customers', {
          token: managerToken,
          purpose: PURPOSE,
        });
        return res.status === 200;
      });
    }

    progress('access: GET /v1/customers/:id, audited vs access log off');
    const rows: Row[] = [await singleReadRow(subject, reference, repToken, customerIds, s)];

    progress(`access: seeding ${s.directorySize} directory rows`);
    const seeded = performance.now();
    await seedDirectory(scratch.url, {
      customers: s.directorySize,
      owners: s.owners,
      teams: s.teams,
    });
    progress(`access: seeded in ${((performance.now() - seeded) / 1000).toFixed(1)}s`);

    const first = `/v1/customers?limit=${PAGE}`;
    const page5 = await cursorTo(subject, managerToken, first, 5);
    const from = new Date(Date.now() + DAY_MS);
    const to = new Date(from.getTime() + 7 * DAY_MS);
    const listVariant = (name: string, query: Record<string, string>): ListVariant => ({
      name,
      query,
      path: `${first}${Object.entries(query)
        .map(([key, value]) => `&${key}=${encodeURIComponent(value)}`)
        .join('')}`,
    });
    const variants: ListVariant[] = [
      listVariant(`GET /v1/customers?limit=${PAGE} (manager, page 1)`, {}),
      listVariant(`GET /v1/customers?limit=${PAGE} (manager, page 5 by cursor)`, {
        cursor: page5,
      }),
      listVariant(`GET /v1/customers?limit=${PAGE}&nextFollowUpFrom/To (manager, 7 days)`, {
        nextFollowUpFrom: from.toISOString(),
        nextFollowUpTo: to.toISOString(),
      }),
    ];
    const plans = process.env.BENCH_ACCESS_PLANS;
    if (plans !== undefined) {
      await writePlans(
        scratch.url,
        plans,
        variants.map(({ name, query: { cursor, ...filter } }) => ({
          name,
          // As the controller asks for the manager: their team's customers covering the purpose.
          filter: {
            ...filter,
            scope: { kind: 'some', ownerIds: [], teams: [MANAGER_TEAM] },
            coveringPurpose: PURPOSE,
          },
          cursor,
          limit: PAGE,
        })),
      );
      progress(`access: plans written to ${plans}`);
    }
    for (const variant of variants) {
      progress(`access: ${variant.name}`);
      const resume =
        s.listProjector === 'paused' ? await pauseProjector(scratch.url, projector.pid) : () => {};
      try {
        rows.push(...(await listRows(subject, reference, managerToken, variant, s)));
      } finally {
        resume();
      }
      if (process.env.BENCH_ACCESS_CPU === '1') {
        for (const [side, pid] of [
          [subject, audited.pid],
          [reference, unaudited.pid],
        ] as const) {
          const cost = await cpuPerRequest(
            scratch.url,
            { api: pid, projector: projector.pid },
            100,
            async () => {
              const res = await side.client.call('GET', variant.path, {
                token: managerToken,
                purpose: PURPOSE,
              });
              expectStatus(variant.name, res, 200);
            },
          );
          progress(`access:   ${side.label}: ${cost}`);
        }
      }
    }
    return rows;
  } finally {
    for (const client of clients) client.close();
    for (const child of processes.reverse()) await child.stop();
    await scratch.drop();
  }
};
