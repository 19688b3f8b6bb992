import { type AllStreamSubscription, type KurrentDBClient, START } from '@kurrent/kurrentdb-client';
import { EventStoreError } from '../event-store.errors';
import { matchesFilter } from '../event-store.guards';
import type { Position, RecordedEvent, SubscribeOptions, Subscription } from '../event-store.port';
import {
  comparePositions,
  decodePosition,
  isUnavailable,
  matchesNothing,
  toEventStoreError,
  toRecordedEvent,
  toServerFilter,
} from './kurrentdb-mapping';

export type SubscriptionRetry = {
  /** Consecutive failed attempts before the error reaches the consumer. */
  readonly maxAttempts: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
};

export const defaultSubscriptionRetry: SubscriptionRetry = {
  maxAttempts: 8,
  initialDelayMs: 100,
  maxDelayMs: 5_000,
};

const CLOSED = Symbol('closed');

/**
 * Catch-up then live over the server's $all subscription (which is exclusive of `from`). The
 * cursor is the last event handed to the consumer, so after a dropped connection (the server
 * restarting, a leader change) it resubscribes from there: no gap, no duplicate. Other errors, or
 * too many failed attempts in a row, end the iteration by throwing.
 */
export class KurrentDbSubscription implements Subscription {
  private closed = false;
  private readonly closedSignal: Promise<typeof CLOSED>;
  private signalClosed: () => void = () => undefined;
  private current: AllStreamSubscription | undefined;

  constructor(
    private readonly client: KurrentDBClient,
    private readonly options: SubscribeOptions,
    private readonly retry: SubscriptionRetry,
    private readonly onClose: () => void,
  ) {
    this.closedSignal = new Promise((resolve) => {
      this.signalClosed = () => resolve(CLOSED);
    });
  }

  [Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    return this.run();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.signalClosed();
    this.onClose();
    await this.release();
  }

  private async *run(): AsyncGenerator<RecordedEvent, void, undefined> {
    const { filter } = this.options;
    const nothing = matchesNothing(filter);
    let cursor: Position | undefined = this.options.from;
    let failures = 0;
    try {
      while (!this.closed) {
        let failure: unknown;
        const events = this.open(cursor)[Symbol.asyncIterator]();
        try {
          for (;;) {
            const next = await Promise.race([events.next(), this.closedSignal]);
            if (next === CLOSED) return;
            if (next.done === true) {
              failure = new EventStoreError(
                'EVENT_STORE.UNAVAILABLE',
                'KurrentDB subscribeToAll ended by the server',
              );
              break;
            }
            failures = 0;
            const event = toRecordedEvent(next.value.event);
            if (event === undefined || nothing || !matchesFilter(filter, event)) continue;
            if (cursor !== undefined && comparePositions(event.position, cursor) <= 0) continue;
            cursor = event.position;
            yield event;
            if (this.closed) return;
          }
        } catch (error) {
          if (this.closed) return;
          failure = toEventStoreError(error, { operation: 'subscribeToAll' });
        } finally {
          await this.release();
        }
        failures += 1;
        if (!isUnavailable(failure) || failures >= this.retry.maxAttempts) throw failure;
        await this.backoff(failures);
      }
    } finally {
      if (!this.closed) {
        this.closed = true;
        this.onClose();
      }
    }
  }

  private open(cursor: Position | undefined): AllStreamSubscription {
    const subscription = this.client.subscribeToAll({
      fromPosition: cursor === undefined ? START : decodePosition(cursor),
      filter: toServerFilter(this.options.filter),
    });
    // Errors also reach the iterator; this listener only keeps a late one (after we let go of
    // the stream) from becoming an uncaught 'error' event.
    subscription.on('error', () => undefined);
    this.current = subscription;
    return subscription;
  }

  private async backoff(failures: number): Promise<void> {
    if (this.closed) return;
    const delay = Math.min(this.retry.maxDelayMs, this.retry.initialDelayMs * 2 ** (failures - 1));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, delay);
      }),
      this.closedSignal,
    ]);
    clearTimeout(timer);
  }

  /** Cancels the server call and ends the stream, so a pending read settles and nothing leaks. */
  private async release(): Promise<void> {
    const subscription = this.current;
    this.current = undefined;
    if (subscription === undefined) return;
    try {
      await subscription.unsubscribe();
    } catch {
      // already gone
    }
    subscription.destroy();
  }
}
