import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { signDevelopmentToken } from '@custodia/identity';
import { teamName } from './access-directory-seed';
import type { HttpClient, HttpResponse } from './access-http';
import { sleep } from './measure';

/**
 * What the groups that run the real app in processes of their own (`access`, `scale`) share:
 * forking bench/access-process.ts, the app's environment, the staff and customers they set up.
 */

export const PURPOSE = 'sales_followup';
export const ADMIN = 'bench.admin';
export const REP = 'bench.rep';
export const MANAGER = 'bench.manager';
/** The manager's team; the rep is in another one, so the manager's pages hold seeded rows only. */
export const MANAGER_TEAM = teamName(3);
export const REP_TEAM = teamName(0);
export const PAGE = 50;

export type BenchProcess = {
  readonly pid: number;
  readonly port: number | undefined;
  stop(): Promise<void>;
};

/**
 * Forks bench/access-process.ts with `env` on top of this process's environment (BENCH_ROLE
 * picks api or projector) and waits until it is ready. BENCH_CPU_PROF=<dir> starts it under
 * `--cpu-prof` (profile named after `label`, written when it stops).
 */
export const startBenchProcess = (
  label: string,
  env: Record<string, string>,
): Promise<BenchProcess> =>
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
      reject(new Error(`bench: the ${label} process exited (${code}) before it was ready`));
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

export const expectStatus = (what: string, res: HttpResponse, status: number): HttpResponse => {
  if (res.status !== status) {
    throw new Error(`bench: ${what} answered ${res.status}: ${JSON.stringify(res.body)}`);
  }
  return res;
};

/** Retries `probe` until it returns true (projections and the user directory are eventual). */
export const eventually = async (what: string, probe: () => Promise<boolean>): Promise<void> => {
  const deadline = Date.now() + 60_000;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await sleep(50);
  }
};

/** The app's configuration on `databaseUrl`: fresh secrets, APIs with projections off. */
export const benchAppEnv = (databaseUrl: string) => {
  const secret = randomBytes(32).toString('hex');
  const env = {
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'silent',
    // The APIs serve requests only; projections and alert rules run in their own process.
    PROJECTOR: 'off',
    AUTH_JWT_SECRET: secret,
    CUSTODIA_MASTER_KEY: randomBytes(32).toString('base64'),
    BOOTSTRAP_ADMIN_ID: ADMIN,
  };
  const token = (userId: string): Promise<string> =>
    signDevelopmentToken({ secret, userId, now: new Date(), ttlSeconds: 4 * 3600 });
  return { env, token };
};

/** Registers the rep and the manager through POST /v1/users as the bootstrap admin. */
export const registerStaff = async (
  client: HttpClient,
  token: (userId: string) => Promise<string>,
): Promise<{ repToken: string; managerToken: string }> => {
  const adminToken = await token(ADMIN);
  for (const [id, role, team] of [
    [REP, 'sales', REP_TEAM],
    [MANAGER, 'sales_manager', MANAGER_TEAM],
  ] as const) {
    const res = await client.call('POST', '/v1/users', {
      token: adminToken,
      body: { id, displayName: id, roles: [role], team },
    });
    expectStatus(`POST /v1/users ${id}`, res, 201);
  }
  return { repToken: await token(REP), managerToken: await token(MANAGER) };
};

/** `count` customers of the rep, each with a `sales_followup` consent. */
export const registerCustomers = async (
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
