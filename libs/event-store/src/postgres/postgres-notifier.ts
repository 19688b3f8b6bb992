import type { Pool, PoolClient } from 'pg';
import { LISTEN, NOTIFY } from './postgres-event-store.sql';

/**
 * One LISTEN connection per store, shared by all its subscriptions. It only shortens the wait:
 * subscriptions also poll, so a lost connection or a missed notification delays, never loses.
 *
 * Appends do not NOTIFY inside their own transaction: PostgreSQL serialises the commits of
 * notifying transactions on one lock held through the WAL flush, which defeats group commit.
 * `announce()` instead wakes this process's subscriptions at once and sends one NOTIFY for
 * other processes after the commit, coalescing the appends that happen meanwhile.
 */
/** Other processes learn of new events at most this much later than this one does. */
const NOTIFY_INTERVAL_MS = 5;

export class PostgresNotifier {
  private client: PoolClient | undefined;
  private sending = false;
  private sendAgain = false;
  private connecting: Promise<void> | undefined;
  private lastAttempt = 0;
  private readonly listeners = new Set<() => void>();
  private closed = false;

  constructor(
    private readonly pool: Pool,
    /** Do not retry a failed LISTEN connection more often than this. */
    private readonly retryAfterMs: number,
  ) {}

  add(listener: () => void): void {
    this.listeners.add(listener);
    this.ensureListening();
  }

  remove(listener: () => void): void {
    this.listeners.delete(listener);
  }

  /** Reconnects after a failure; subscriptions call it on every poll. */
  ensureListening(): void {
    const due = Date.now() - this.lastAttempt >= this.retryAfterMs;
    if (this.closed || this.client || this.connecting || !due) return;
    this.lastAttempt = Date.now();
    this.connecting = this.listen()
      .catch(() => this.drop(this.client))
      .finally(() => (this.connecting = undefined));
  }

  /** Called after an append commits. */
  announce(): void {
    this.notifyAll();
    if (this.closed) return;
    if (this.sending) {
      this.sendAgain = true;
      return;
    }
    this.sending = true;
    void this.send();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    await this.connecting;
    this.drop(this.client);
  }

  private async listen(): Promise<void> {
    const client = await this.pool.connect();
    this.client = client;
    client.on('notification', () => this.notifyAll());
    client.on('error', () => this.drop(client));
    await client.query(LISTEN);
    // Whatever committed while we were connecting was not announced: wake everyone once.
    this.notifyAll();
  }

  private async send(): Promise<void> {
    try {
      do {
        this.sendAgain = false;
        // A failure only delays other processes until their next poll.
        await this.pool.query(NOTIFY).catch(() => undefined);
        // Each NOTIFY writes a commit record: at most one per interval, whatever the write rate.
        await new Promise((resolve) => setTimeout(resolve, NOTIFY_INTERVAL_MS));
      } while (this.sendAgain && !this.closed);
    } finally {
      this.sending = false;
    }
  }

  private drop(client: PoolClient | undefined): void {
    if (!client || client !== this.client) return;
    this.client = undefined;
    // Destroy rather than return to the pool: the connection still LISTENs.
    client.release(true);
  }

  private notifyAll(): void {
    for (const listener of this.listeners) listener();
  }
}
