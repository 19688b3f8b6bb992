import { createHash } from 'node:crypto';
import type { DataSource, QueryRunner } from 'typeorm';
import { describeError, type ReadStoreLogger } from './read-store.logger';

/**
 * The 64-bit advisory lock key of a projection, as a decimal string for `$1::bigint`. Derived
 * from the name with a namespace, so every instance computes the same key and other users of
 * advisory locks in the database are unlikely to collide with it.
 */
export const advisoryLockKey = (projection: string): string =>
  createHash('sha256')
    .update(`custodia:projection:${projection}`)
    .digest()
    .readBigInt64BE(0)
    .toString();

/**
 * One dedicated connection that holds the session advisory locks of a runner's projections.
 * PostgreSQL frees them when the session ends, so a crashed instance hands over by itself; a
 * connection that dies under us (TypeORM releases it on a pg `error`) means every lock is lost.
 */
export class AdvisoryLockSession {
  private runner: QueryRunner | undefined;
  /** The connection being opened: concurrent first `tryLock`s wait for the same one. */
  private connecting: Promise<QueryRunner> | undefined;
  private readonly held = new Set<string>();
  private heartbeat: NodeJS.Timeout | undefined;
  /** One query at a time on the connection: the projections' workers ask concurrently. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly dataSource: DataSource,
    private readonly logger: ReadStoreLogger,
    private readonly heartbeatMs = 5_000,
  ) {}

  holds(projection: string): boolean {
    return this.alive() && this.held.has(projection);
  }

  async tryLock(projection: string): Promise<boolean> {
    if (this.holds(projection)) return true;
    const runner = await this.connection();
    const rows = (await this.serial(() =>
      runner.query('SELECT pg_try_advisory_lock($1::bigint) AS locked', [
        advisoryLockKey(projection),
      ]),
    )) as { locked: boolean }[];
    const locked = rows[0]?.locked === true;
    if (locked) this.held.add(projection);
    return locked;
  }

  async unlock(projection: string): Promise<void> {
    if (!this.held.delete(projection) || !this.runner || !this.alive()) return;
    const runner = this.runner;
    await this.serial(() =>
      runner.query('SELECT pg_advisory_unlock($1::bigint)', [advisoryLockKey(projection)]),
    );
  }

  /** Unlocks everything and gives the connection back to the pool. */
  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    const runner = this.runner;
    this.runner = undefined;
    this.held.clear();
    if (!runner || runner.isReleased) return;
    try {
      // Pooled connections are reused: they must not go back still holding our locks.
      await this.serial(() => runner.query('SELECT pg_advisory_unlock_all()'));
    } catch (error) {
      // A broken connection took its locks with it; the pool discards it on release.
      this.logger.warn({ err: describeError(error) }, 'advisory lock connection already lost');
    } finally {
      await runner.release();
    }
  }

  private serial<T>(query: () => Promise<T>): Promise<T> {
    const result = this.queue.then(query, query);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private alive(): boolean {
    return this.runner !== undefined && !this.runner.isReleased;
  }

  private async connection(): Promise<QueryRunner> {
    if (this.runner && this.alive()) return this.runner;
    // Concurrent first tryLocks share one connection instead of each taking (and leaking) one.
    this.connecting ??= (async () => {
      this.held.clear(); // a dead session took its locks with it
      const runner = this.dataSource.createQueryRunner('master');
      await runner.connect();
      this.runner = runner;
      this.startHeartbeat();
      return runner;
    })().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  /** Notices a connection that died quietly, so standby instances are not blocked for long. */
  private startHeartbeat(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = setInterval(() => {
      const runner = this.runner;
      if (!runner || runner.isReleased) return;
      this.serial(() => runner.query('SELECT 1')).catch(async (error: unknown) => {
        this.logger.warn({ err: describeError(error) }, 'advisory lock connection lost');
        this.held.clear();
        if (!runner.isReleased) await runner.release().catch(() => undefined);
      });
    }, this.heartbeatMs);
    this.heartbeat.unref();
  }
}
