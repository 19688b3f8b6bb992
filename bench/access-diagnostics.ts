import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { BlindIndex, type DirectoryFilter, PostgresCustomerViews } from '@custodia/access';
import { sleep } from './measure';

/** CPU time (user + system) of a process in ms, from /proc/<pid>/stat (clock ticks of 10 ms). */
export const cpuMs = async (pid: number): Promise<number> => {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0; // gone, or not Linux
  }
};

/** CPU used since `before` by the processes present in both readings. */
const sumSince = (before: Map<number, number>, after: Map<number, number>): number => {
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? ms);
  return total;
};

/**
 * BENCH_ACCESS_CPU=1: where a request's CPU goes. Calls `request` `count` times, one at a
 * time, then reports the CPU each process used per request: the API process, the projector
 * (which projects and checks the access events), every PostgreSQL process of the server
 * (pg_stat_activity) and this load generator. Linux only (/proc).
 */
export const cpuPerRequest = async (
  url: string,
  pids: { readonly api: number; readonly projector: number },
  count: number,
  request: () => Promise<void>,
): Promise<string> => {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    // Per server process, so one that exits between the two readings counts for nothing.
    const postgres = async () => {
      const { rows } = await client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity');
      const used = new Map<number, number>();
      for (const { pid } of rows) used.set(pid, await cpuMs(pid));
      return used;
    };
    const before = {
      api: await cpuMs(pids.api),
      projector: await cpuMs(pids.projector),
      postgres: await postgres(),
      self: process.cpuUsage(),
    };
    const started = performance.now();
    for (let i = 0; i < count; i += 1) await request();
    const wall = (performance.now() - started) / count;
    // The projector works on after the last response: give it a moment to catch up.
    await sleep(500);
    const self = process.cpuUsage(before.self);
    const per = (ms: number) => (ms / count).toFixed(2);
    return (
      `wall ${wall.toFixed(1)} ms/request; CPU ms/request: ` +
      `api ${per((await cpuMs(pids.api)) - before.api)}, ` +
      `projector ${per((await cpuMs(pids.projector)) - before.projector)}, ` +
      `postgres ${per(sumSince(before.postgres, await postgres()))}, ` +
      `load generator ${per((self.user + self.system) / 1000)}`
    );
  } finally {
    await client.end();
  }
};

type PlanQuery = {
  readonly name: string;
  readonly filter: DirectoryFilter;
  readonly cursor: string | undefined;
  readonly limit: number;
};

const planText = (rows: { 'QUERY PLAN': string }[]): string =>
  `\`\`\`\n${rows.map((row) => row['QUERY PLAN']).join('\n')}\n\`\`\`\n`;

/**
 * BENCH_ACCESS_PLANS=<file>: each list statement exactly as PostgresCustomerViews builds it,
 * with `EXPLAIN (ANALYZE, BUFFERS)` on the seeded directory, as planned for its values and as
 * the generic plan a named statement may settle on, written to `file` as Markdown.
 */
export const writePlans = async (
  url: string,
  file: string,
  queries: readonly PlanQuery[],
): Promise<void> => {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const sections: string[] = [];
    for (const { name, filter, cursor, limit } of queries) {
      let statement: { text: string; values: unknown[] } | undefined;
      const recorder = new PostgresCustomerViews(
        {
          query: <T>(text: string, values: unknown[] = []): Promise<T> => {
            statement = { text, values };
            return Promise.resolve([] as T);
          },
        },
        new BlindIndex(randomBytes(32)),
      );
      await recorder.listDirectory(filter, cursor, limit);
      if (statement === undefined) throw new Error('bench access: no statement to explain');
      const { text, values } = statement;
      // Each twice: the first warms the cache the way the measured requests find it.
      await client.query(`EXPLAIN (ANALYZE) ${text}`, values);
      const custom = await client.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN (ANALYZE, BUFFERS) ${text}`,
        values,
      );
      const literals = values.map((value) => client.escapeLiteral(String(value))).join(', ');
      await client.query(`PREPARE bench_list AS ${text}`);
      await client.query(`SET plan_cache_mode = force_generic_plan`);
      await client.query(`EXPLAIN (ANALYZE) EXECUTE bench_list(${literals})`);
      const generic = await client.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN (ANALYZE, BUFFERS) EXECUTE bench_list(${literals})`,
      );
      await client.query(`RESET plan_cache_mode`);
      await client.query(`DEALLOCATE bench_list`);
      sections.push(
        `## ${name}\n\n` +
          `\`\`\`sql\n${text.replace(/\n\s+/g, '\n  ')}\n` +
          `-- ${values.map((value) => JSON.stringify(value)).join(', ')}\n\`\`\`\n\n` +
          `Planned for these values:\n\n${planText(custom.rows)}\n` +
          `Generic plan (\`plan_cache_mode = force_generic_plan\`, what a named statement ` +
          `settles on after five executions when it looks no dearer):\n\n${planText(generic.rows)}`,
      );
    }
    await writeFile(file, sections.join('\n'));
  } finally {
    await client.end();
  }
};
