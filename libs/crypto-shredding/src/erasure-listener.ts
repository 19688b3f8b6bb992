import type { Notification, Pool, PoolClient } from 'pg';
import { ERASURE_CHANNEL, LISTEN_ERASURES } from './key-vault.sql';

export type ErasureHandlers = {
  /** Another (or this) process destroyed the subject's key. */
  erased(subjectId: string): void;
  /** The connection dropped: notifications may be missed until it is back. */
  lost(): void;
};

/**
 * One LISTEN connection per vault for erasure notifications. While it is down the vault stops
 * trusting its cache (a missed erasure must not leave a live key behind) and reconnects.
 */
export class ErasureListener {
  private client: PoolClient | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly pool: Pool,
    private readonly handlers: ErasureHandlers,
    private readonly retryMs: number,
  ) {}

  get listening(): boolean {
    return this.client !== undefined;
  }

  /** The first connection must succeed: a vault that cannot hear erasures does not start. */
  async start(): Promise<void> {
    await this.connect();
  }

  close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    const client = this.client;
    this.client = undefined;
    // Destroyed rather than returned to the pool: the session still LISTENs.
    client?.release(true);
    return Promise.resolve();
  }

  private async connect(): Promise<void> {
    const client = await this.pool.connect();
    const onNotification = (message: Notification): void => {
      if (message.channel === ERASURE_CHANNEL && message.payload) {
        this.handlers.erased(message.payload);
      }
    };
    client.on('notification', onNotification);
    client.on('error', () => this.lose(client));
    client.on('end', () => this.lose(client));
    try {
      await client.query(LISTEN_ERASURES);
    } catch (error) {
      client.release(true);
      throw error;
    }
    if (this.closed) {
      client.release(true);
      return;
    }
    this.client = client;
  }

  private lose(client: PoolClient): void {
    if (client !== this.client) return;
    this.client = undefined;
    client.release(true);
    this.handlers.lost();
    this.reconnectLater();
  }

  private reconnectLater(): void {
    if (this.closed || this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.connect().catch(() => this.reconnectLater());
    }, this.retryMs);
    this.timer.unref(); // never keeps a stopping process alive
  }
}
