import { type ChildProcess, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..', '..', '..');
const REGISTER = join(ROOT, 'test/faults/harness/ts-register.cjs');

export type CustodiaKind = 'api' | 'projector' | 'cli' | 'postgres';

const ENTRY: Record<CustodiaKind, string> = {
  api: 'apps/api/src/main.ts',
  projector: 'apps/projector/src/main.ts',
  cli: 'apps/cli/src/main.ts',
  postgres: 'test/faults/harness/postgres-server.ts',
};

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/**
 * One real Custodia process (`npm start`, `npm run start:projector`, `npm run cli`) run from the
 * TypeScript sources through ts-register.cjs: no build, nothing written to dist/. Keeps the last
 * lines of its output for failure messages; can be killed and started again.
 */
export class CustodiaProcess {
  private child: ChildProcess | undefined;
  private exit: Promise<number | string | null> = Promise.resolve(null);
  private output: string[] = [];
  /** Every error-level log line (pino level 50+) of every run, kept whole. */
  readonly errors: string[] = [];
  starts = 0;
  kills = 0;

  constructor(
    readonly name: string,
    readonly kind: CustodiaKind,
    private readonly env: Readonly<Record<string, string>>,
    private readonly args: readonly string[] = [],
  ) {}

  get running(): boolean {
    return (
      this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null
    );
  }

  get pid(): number | undefined {
    return this.running ? this.child?.pid : undefined;
  }

  get port(): number | undefined {
    return this.env.PORT === undefined ? undefined : Number(this.env.PORT);
  }

  /** The last lines the process wrote (stdout and stderr), for a failure message. */
  tail(lines = 30): string {
    return this.output.slice(-lines).join('\n');
  }

  start(): void {
    if (this.running) throw new Error(`${this.name} is already running`);
    const child = spawn(
      process.execPath,
      ['-r', REGISTER, join(ROOT, ENTRY[this.kind]), ...this.args],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...this.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const keep = (chunk: Buffer): void => {
      const lines = chunk.toString('utf8').split('\n').filter(Boolean);
      this.output.push(...lines);
      this.errors.push(...lines.filter((line) => /"level":(50|60)/.test(line)));
      if (this.output.length > 400) this.output = this.output.slice(-200);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exit = new Promise((done) => child.once('exit', (code, signal) => done(code ?? signal)));
    this.child = child;
    this.starts += 1;
  }

  /** SIGKILL: no shutdown hook runs, as in a crash or an OOM kill. */
  async kill(): Promise<void> {
    if (!this.running) return;
    this.child?.kill('SIGKILL');
    this.kills += 1;
    await this.exit;
  }

  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`; the exit code or signal. */
  async stop(graceMs = 20_000): Promise<number | string | null> {
    if (!this.running) return this.child?.exitCode ?? null;
    this.child?.kill('SIGTERM');
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), graceMs);
    const code = await this.exit;
    clearTimeout(timer);
    return code;
  }

  /** Waits for the process to exit by itself (the CLI); its exit code. */
  async exited(timeoutMs: number): Promise<number | string | null> {
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), timeoutMs);
    const code = await this.exit;
    clearTimeout(timer);
    return code;
  }

  /** Until the process has written a line matching `pattern`. */
  async printed(pattern: RegExp, timeoutMs = 120_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const line = this.output.find((l) => pattern.test(l));
      if (line !== undefined) return line;
      if (!this.running) throw new Error(`${this.name} exited while starting:\n${this.tail()}`);
      await sleep(100);
    }
    throw new Error(
      `${this.name} printed no ${String(pattern)} in ${timeoutMs} ms:\n${this.tail()}`,
    );
  }

  /** For an API: until GET /health answers 200. Throws if the process dies or time runs out. */
  async healthy(timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`${this.name} exited while starting:\n${this.tail()}`);
      const ok = await fetch(`http://127.0.0.1:${this.port}/health`, {
        signal: AbortSignal.timeout(3_000),
      })
        .then((res) => res.status === 200)
        .catch(() => false);
      if (ok) return;
      await sleep(250);
    }
    throw new Error(`${this.name} did not become healthy in ${timeoutMs} ms:\n${this.tail()}`);
  }
}

/** Runs `npm run cli -- <args>` against the same environment; its exit code and output. */
export const runCli = async (
  env: Readonly<Record<string, string>>,
  args: readonly string[],
  timeoutMs = 300_000,
): Promise<{ code: number | string | null; output: string }> => {
  const cli = new CustodiaProcess('cli', 'cli', env, args);
  cli.start();
  const code = await cli.exited(timeoutMs);
  return { code, output: cli.tail(100) };
};
