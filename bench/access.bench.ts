import { setPriority } from 'node:os';
import { performance } from 'node:perf_hooks';
import { seedDirectory } from './access-directory-seed';
import { cpuMs, cpuPerRequest, writePlans } from './access-diagnostics';
import { type HttpClient, httpClient } from './access-http';
import {
  type BenchProcess,
  benchAppEnv,
  eventually,
  expectStatus,
  MANAGER_TEAM,
  PAGE,
  PURPOSE,
  registerCustomers,
  registerStaff,
  startBenchProcess,
} from './bench-app';
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

const DAY_MS = 86_400_000;

type Side = { readonly label: string; readonly client: HttpClient };

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
  const { env, token } = benchAppEnv(scratch.url);
  const processes: BenchProcess[] = [];
  const clients: HttpClient[] = [];
  try {
    // One after the other: the first runs the migrations and creates the bootstrap admin.
    const audited = await startBenchProcess('api-audited', { ...env, BENCH_ROLE: 'api' });
    processes.push(audited);
    const projector = await startBenchProcess('projector', { ...env, BENCH_ROLE: 'projector' });
    setPriority(projector.pid, s.projectorNice);
    processes.push(projector);
    const unaudited = await startBenchProcess('api-access-log-off', {
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

    const { repToken, managerToken } = await registerStaff(subject.client, token);
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
