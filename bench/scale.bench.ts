import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { seedDirectory } from './access-directory-seed';
import { BlindIndex, PostgresCustomerViews } from '@custodia/access';
import { writePlans } from './access-diagnostics';
import { httpClient, type HttpClient } from './access-http';
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
import { execute, scratchDatabase } from './bench-database';
import { median, percentile, sleep } from './measure';
import { row, type Row } from './report';

export type ScaleSettings = {
  /** Rows seeded into the customer directory. */
  readonly directorySize: number;
  readonly owners: number;
  readonly teams: number;
  /** Sequential list requests timed for the p99 row, after the warm-up ones. */
  readonly samples: number;
  readonly warmupSamples: number;
  /** The load under which resident memory is sampled (autocannon, separate processes). */
  readonly loadSeconds: number;
  readonly loadConnections: number;
  /** BENCH_SCALE_PLANS=<file>: EXPLAIN (ANALYZE, BUFFERS) of the statements, as Markdown. */
  readonly plansFile: string | undefined;
};

/** Resident set size of `pid` in MiB, from /proc/<pid>/status (VmRSS, in kB). */
const rssMiB = async (pid: number): Promise<number> => {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
};

type Cannon = { p50: number; p99: number; requests: number; non2xx: number; errors: number };

/** One autocannon process (its own CLI, so the load never runs inside the server). */
const autocannon = (
  url: string,
  headers: Record<string, string>,
  connections: number,
  seconds: number,
): Promise<Cannon> =>
  new Promise((resolve, reject) => {
    const args = [
      require.resolve('autocannon/autocannon.js'),
      '-j',
      '-c',
      String(connections),
      '-d',
      String(seconds),
      ...Object.entries(headers).flatMap(([key, value]) => ['-H', `${key}=${value}`]),
      url,
    ];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => {
      try {
        const result = JSON.parse(out) as {
          latency: { p50: number; p99: number };
          requests: { total: number };
          non2xx: number;
          errors: number;
        };
        resolve({
          p50: result.latency.p50,
          p99: result.latency.p99,
          requests: result.requests.total,
          non2xx: result.non2xx,
          errors: result.errors,
        });
      } catch (error) {
        reject(
          new Error(`bench scale: autocannon exited ${code} without a result`, { cause: error }),
        );
      }
    });
  });

/**
 * The `scale` group: the API with `directorySize` customers in its directory. One API process
 * (the real AppModule + setupHttpApp, PROJECTOR=off, access log on) and, until the users and a
 * few customers are projected, one projector; the directory is then filled with rows of the
 * projection's shape (`seedDirectory`). Rows: p50/p99 of `GET /v1/customers?limit=50` (manager,
 * page 1; sequential, one in flight, from this process over a keep-alive agent), then resident
 * memory of the API process sampled every second while autocannon processes list the directory
 * and read single customers for `loadSeconds`.
 */
export const scaleBenchmark = async (
  url: string,
  s: ScaleSettings,
  progress: (line: string) => void,
): Promise<Row[]> => {
  progress(`scale: API over a directory of ${s.directorySize} customers`);
  const scratch = await scratchDatabase(url, 'scale');
  const { env, token } = benchAppEnv(scratch.url);
  let api: BenchProcess | undefined;
  let projector: BenchProcess | undefined;
  let client: HttpClient | undefined;
  try {
    api = await startBenchProcess('api', { ...env, BENCH_ROLE: 'api' });
    projector = await startBenchProcess('projector', { ...env, BENCH_ROLE: 'projector' });
    const rssAtStart = await rssMiB(api.pid);
    const http = httpClient(`http://127.0.0.1:${api.port}`, 8);
    client = http;
    const { repToken, managerToken } = await registerStaff(http, token);
    await eventually('the users in the user directory', async () => {
      for (const t of [repToken, managerToken]) {
        const res = await http.call('GET', '/v1/customers', { token: t, purpose: PURPOSE });
        if (res.status !== 200) return false;
      }
      return true;
    });
    const ids = await registerCustomers(http, repToken, 8);
    await eventually('the customers readable', async () => {
      for (const id of ids) {
        const res = await http.call('GET', `/v1/customers/${id}`, {
          token: repToken,
          purpose: PURPOSE,
        });
        if (res.status !== 200) return false;
      }
      return true;
    });
    // From here on the API runs alone, as APIs next to a projector on another host would.
    await projector.stop();
    projector = undefined;

    progress(`scale: seeding ${s.directorySize} directory rows`);
    const seeded = performance.now();
    await seedDirectory(scratch.url, {
      customers: s.directorySize,
      owners: s.owners,
      teams: s.teams,
    });
    await execute(scratch.url, 'VACUUM ANALYZE access_customer_directory');
    progress(`scale: seeded in ${((performance.now() - seeded) / 1000).toFixed(1)}s`);

    if (s.plansFile !== undefined) {
      await writeScalePlans(scratch.url, s.plansFile, ids[0]);
      progress(`scale: plans written to ${s.plansFile}`);
    }

    const path = `/v1/customers?limit=${PAGE}`;
    const once = async (): Promise<number> => {
      const started = performance.now();
      const res = await http.call('GET', path, { token: managerToken, purpose: PURPOSE });
      const ms = performance.now() - started;
      expectStatus(path, res, 200);
      const items = (res.body as { items: unknown[] }).items.length;
      if (items !== PAGE) throw new Error(`bench scale: ${path} returned ${items} items`);
      return ms;
    };
    progress(`scale: ${path} (manager, page 1), ${s.samples} sequential requests`);
    for (let i = 0; i < s.warmupSamples; i += 1) await once();
    const times: number[] = [];
    for (let i = 0; i < s.samples; i += 1) times.push(await once());
    const size = s.directorySize.toLocaleString('en-US');
    const listName = `GET /v1/customers?limit=${PAGE} (manager, page 1, sequential), ${size} customers`;
    const rows: Row[] = [
      row(`${listName} p50`, 'ms', percentile(times, 50), null),
      row(`${listName} p99`, 'ms', percentile(times, 99), null, {
        on: 'value',
        op: '<',
        target: 20,
      }),
    ];

    progress(
      `scale: resident memory under ${s.loadSeconds}s of autocannon ` +
        `(${s.loadConnections} connections listing, ${s.loadConnections} reading one customer)`,
    );
    const rssBeforeLoad = await rssMiB(api.pid);
    const samples: number[] = [];
    const base = `http://127.0.0.1:${api.port}`;
    const headers = (t: string) => ({ authorization: `Bearer ${t}`, 'x-purpose': PURPOSE });
    const sampling = (async () => {
      const end = Date.now() + s.loadSeconds * 1000;
      while (Date.now() < end) {
        await sleep(1000);
        samples.push(await rssMiB(api.pid));
      }
    })();
    const [list, single] = await Promise.all([
      autocannon(`${base}${path}`, headers(managerToken), s.loadConnections, s.loadSeconds),
      autocannon(
        `${base}/v1/customers/${ids[0]}`,
        headers(repToken),
        s.loadConnections,
        s.loadSeconds,
      ),
    ]);
    await sampling;
    for (const [what, result] of [
      ['list', list],
      ['single read', single],
    ] as const) {
      if (result.non2xx > 0 || result.errors > 0 || result.requests === 0) {
        throw new Error(
          `bench scale: autocannon ${what}: ${result.requests} requests, ${result.non2xx} non-2xx, ${result.errors} errors`,
        );
      }
    }
    const steady = samples.slice(Math.floor(samples.length / 2));
    progress(
      `scale:   RSS MiB: at start ${rssAtStart.toFixed(0)}, before load ${rssBeforeLoad.toFixed(0)}, ` +
        `under load median ${median(steady).toFixed(0)}, max ${Math.max(...samples).toFixed(0)}; ` +
        `autocannon list ${list.requests} req p50 ${list.p50} p99 ${list.p99} ms, ` +
        `single ${single.requests} req p50 ${single.p50} p99 ${single.p99} ms`,
    );
    rows.push(
      row(
        `API resident memory (VmRSS) under load, ${size} customers, steady (median of 2nd half)`,
        'MiB',
        median(steady),
        null,
        {
          on: 'value',
          op: '<',
          target: 300,
        },
      ),
      row(
        `API resident memory (VmRSS) under load, ${size} customers, max`,
        'MiB',
        Math.max(...samples),
        null,
      ),
      row(
        `GET /v1/customers?limit=${PAGE} under load (autocannon, ${s.loadConnections}+${s.loadConnections} connections), ${size} customers p99`,
        'ms',
        list.p99,
        null,
      ),
    );
    // Full-precision rows for merging a partial run into results/latest.json.
    progress(`scale: rows ${JSON.stringify(rows)}`);
    return rows;
  } finally {
    client?.close();
    await projector?.stop();
    await api?.stop();
    await scratch.drop();
  }
};

/**
 * The list statements at this size (through the `access` group's `writePlans`, which records
 * what PostgresCustomerViews sends) and the single-customer lookup by id.
 */
const writeScalePlans = async (url: string, file: string, customerId: string): Promise<void> => {
  const scope = { kind: 'some' as const, ownerIds: [], teams: [MANAGER_TEAM] };
  const from = new Date(Date.now() + 86_400_000);
  const to = new Date(from.getTime() + 7 * 86_400_000);
  await writePlans(url, file, [
    {
      name: `GET /v1/customers?limit=${PAGE} (manager, page 1)`,
      filter: { scope, coveringPurpose: PURPOSE },
      cursor: undefined,
      limit: PAGE,
    },
    {
      name: `GET /v1/customers?limit=${PAGE}&nextFollowUpFrom/To (manager, 7 days)`,
      filter: {
        scope,
        coveringPurpose: PURPOSE,
        nextFollowUpFrom: from.toISOString(),
        nextFollowUpTo: to.toISOString(),
      },
      cursor: undefined,
      limit: PAGE,
    },
  ]);
  // The lookups, planned for their values (a blind-index digest as bytea has no literal form
  // for writePlans' generic plan): by phone through the keyed blind index, and by id.
  let phoneLookup: { text: string; values: unknown[] } | undefined;
  await new PostgresCustomerViews(
    {
      query: <T>(text: string, values: unknown[] = []): Promise<T> => {
        phoneLookup = { text, values };
        return Promise.resolve([] as T);
      },
    },
    new BlindIndex(randomBytes(32)),
  ).listDirectory({ scope, coveringPurpose: PURPOSE, phone: '13800138000' }, undefined, PAGE);
  if (phoneLookup === undefined) throw new Error('bench scale: no phone lookup statement');
  const lookups = [
    { name: 'GET /v1/customers?phone=… (manager, by blind index)', ...phoneLookup },
    {
      name: 'GET /v1/customers/:id (the directory entry, by primary key)',
      text: 'SELECT * FROM access_customer_directory WHERE customer_id = $1',
      values: [customerId],
    },
  ];
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const sections: string[] = [];
    for (const { name, text, values } of lookups) {
      await client.query(`EXPLAIN (ANALYZE) ${text}`, values);
      const plan = await client.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN (ANALYZE, BUFFERS) ${text}`,
        values,
      );
      sections.push(
        `## ${name}\n\n\`\`\`sql\n${text.replace(/\n\s+/g, '\n  ')}\n\`\`\`\n\n` +
          `\`\`\`\n${plan.rows.map((r) => r['QUERY PLAN']).join('\n')}\n\`\`\`\n`,
      );
    }
    const existing = await readFile(file, 'utf8');
    await writeFile(file, `${existing}\n${sections.join('\n')}`);
  } finally {
    await client.end();
  }
};
