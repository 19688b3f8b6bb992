import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import type { Logger } from 'pino';
import type { Config } from './config';
import { startEmbeddedPostgres } from './embedded-postgres';

/** Where the process's database lives, and how to let go of it. */
export type DatabaseHandle = {
  /** Connection URL of the application database. */
  readonly url: string;
  /** 'external': DATABASE_URL; 'embedded': we run it; 'attached': another process runs it. */
  readonly mode: 'external' | 'embedded' | 'attached';
  /** Stops the embedded server when this process owns it; otherwise does nothing. */
  stop(): Promise<void>;
};

export const APP_DATABASE = 'custodia';

/** Thrown when another process holds the embedded data directory and cannot be joined. */
export class EmbeddedDatabaseBusyError extends Error {
  constructor(dataDir: string, pid: number) {
    super(
      `The embedded PostgreSQL in ${dataDir} is in use by another process (pid ${pid}). ` +
        'Stop the API that uses it, or set DATABASE_URL.',
    );
    this.name = 'EmbeddedDatabaseBusyError';
  }
}

type BootLog = Pick<Logger, 'info' | 'warn' | 'debug'>;

/** Recorded next to the data so other processes (the CLI, the projector) can join the server. */
type RuntimeRecord = { readonly ownerPid: number; readonly port: number; readonly url: string };

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const withDatabase = (url: string, database: string): string => {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
};

/** Creates the database named in `url` when it does not exist yet. */
export const ensureDatabase = async (url: string): Promise<void> => {
  const probe = new Client({ connectionString: url });
  try {
    await probe.connect();
    return;
  } catch (error) {
    if ((error as { code?: string }).code !== '3D000') throw error; // invalid_catalog_name
  } finally {
    await probe.end().catch(() => undefined);
  }
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  const admin = new Client({ connectionString: withDatabase(url, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`);
  } catch (error) {
    if ((error as { code?: string }).code !== '42P04') throw error; // created concurrently
  } finally {
    await admin.end();
  }
};

/** PID and port of a running postmaster, from PostgreSQL's own lock file. */
const runningPostmaster = (pgDir: string): { pid: number; port: number } | undefined => {
  const lockFile = join(pgDir, 'postmaster.pid');
  if (!existsSync(lockFile)) return undefined;
  const [pid, , , port] = readFileSync(lockFile, 'utf8').split('\n').map(Number);
  return pid !== undefined && pid > 0 && isAlive(pid) ? { pid, port: port ?? 0 } : undefined;
};

const readRecord = (path: string): RuntimeRecord | undefined => {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as RuntimeRecord;
  } catch {
    return undefined;
  }
};

const waitForExit = async (pid: number, timeoutMs: number): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid) && Date.now() < deadline) {
    await new Promise((done) => setTimeout(done, 100));
  }
};

/**
 * DATABASE_URL when set; otherwise the embedded PostgreSQL under `<dataDir>/pg`. A second process
 * on the same data directory (the CLI while the API runs) joins the running server through
 * `<dataDir>/embedded-postgres.json`; a server whose owner died is adopted and stopped by us.
 */
export const openDatabase = async (config: Config, log: BootLog): Promise<DatabaseHandle> => {
  if (config.databaseUrl !== undefined) {
    await ensureDatabase(config.databaseUrl);
    return { url: config.databaseUrl, mode: 'external', stop: () => Promise.resolve() };
  }

  const pgDir = resolve(config.dataDir, 'pg');
  const recordPath = join(config.dataDir, 'embedded-postgres.json');
  const forget = (): void => rmSync(recordPath, { force: true });
  const running = runningPostmaster(pgDir);

  if (running !== undefined) {
    const record = readRecord(recordPath);
    if (record === undefined || record.port !== running.port) {
      throw new EmbeddedDatabaseBusyError(pgDir, running.pid);
    }
    const url = withDatabase(record.url, APP_DATABASE);
    await ensureDatabase(url);
    if (isAlive(record.ownerPid) && record.ownerPid !== process.pid) {
      log.info(
        { port: record.port, ownerPid: record.ownerPid },
        'Joined the running embedded PostgreSQL',
      );
      return { url, mode: 'attached', stop: () => Promise.resolve() };
    }
    writeFileSync(recordPath, JSON.stringify({ ...record, ownerPid: process.pid }), {
      mode: 0o600,
    });
    log.warn(
      { port: record.port },
      'Adopted an embedded PostgreSQL left running by a stopped process',
    );
    return {
      url,
      mode: 'embedded',
      stop: async () => {
        if (isAlive(running.pid)) process.kill(running.pid, 'SIGINT'); // fast, clean shutdown
        await waitForExit(running.pid, 30_000);
        forget();
        log.info('Embedded PostgreSQL stopped');
      },
    };
  }

  const fatal: string[] = [];
  const server = await startEmbeddedPostgres({
    dataDir: pgDir,
    onLog: (message) => {
      if (/FATAL|PANIC/.test(message)) fatal.push(message.trim());
      log.debug({ postgres: message.trim() }, 'embedded postgres');
    },
  }).catch((error: unknown) => {
    const reason = fatal.at(-1) ?? (error instanceof Error ? error.message : 'unknown reason');
    throw new Error(`Embedded PostgreSQL in ${pgDir} failed to start: ${reason}`);
  });
  const port = Number(new URL(server.url).port);
  writeFileSync(recordPath, JSON.stringify({ ownerPid: process.pid, port, url: server.url }), {
    mode: 0o600,
  });
  const url = server.urlFor(APP_DATABASE);
  try {
    await ensureDatabase(url);
  } catch (error) {
    await server.stop();
    forget();
    throw error;
  }
  log.info({ dataDir: pgDir, port }, 'Embedded PostgreSQL started');
  // Last resort if the process exits without stopping it (an uncaught error): a synchronous
  // SIGINT, PostgreSQL's fast and clean shutdown, so no server outlives us.
  const postmaster = runningPostmaster(pgDir);
  const onExit = (): void => {
    if (postmaster !== undefined && isAlive(postmaster.pid)) process.kill(postmaster.pid, 'SIGINT');
    forget();
  };
  process.once('exit', onExit);
  let stopped = false;
  return {
    url,
    mode: 'embedded',
    stop: async () => {
      if (stopped) return;
      stopped = true;
      process.removeListener('exit', onExit);
      // A terminal's Ctrl-C reaches PostgreSQL too (same process group): it may be gone already,
      // and then embedded-postgres would wait forever for an exit it has missed.
      await (postmaster === undefined
        ? server.stop()
        : Promise.race([server.stop(), waitForExit(postmaster.pid, 60_000)]));
      forget();
      log.info('Embedded PostgreSQL stopped');
    },
  };
};
