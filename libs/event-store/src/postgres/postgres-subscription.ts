import type {
  AllFilter,
  Position,
  ReadAllOptions,
  RecordedEvent,
  Subscription,
} from '../event-store.port';
import type { PostgresNotifier } from './postgres-notifier';

type Page = {
  readonly events: RecordedEvent[];
  readonly scannedTo: Position | undefined;
  /** Committed events wait behind an older transaction: look again soon. */
  readonly heldBack: boolean;
};

/** First and last pause while events are held back; short, since the wait is usually brief. */
const HELD_BACK_RETRY_MS = [2, 100] as const;

/** What a subscription needs from its store. */
export type SubscriptionSource = {
  readonly notifier: PostgresNotifier;
  readonly pollIntervalMs: number;
  readonly pageSize: number;
  readAllWithHeldBack(
    options: ReadAllOptions,
  ): Promise<{ events: RecordedEvent[]; heldBack: boolean }>;
  headPosition(): Promise<Position | undefined>;
  comparePositions(a: Position, b: Position): number;
  /** Called once the subscription has stopped, so the store can forget it. */
  forget(subscription: PostgresSubscription): void;
};

/**
 * Catch-up then live, by reading pages of the gap-safe log. Between pages it sleeps until a
 * NOTIFY or the polling interval, whichever comes first.
 */
export class PostgresSubscription implements Subscription {
  private closed = false;
  private notified = false;
  private retryMs: number = HELD_BACK_RETRY_MS[0];
  private wakeUp: (() => void) | undefined;
  /** The read in flight, so close() can wait for it before the pool ends. */
  private reading: Promise<unknown> = Promise.resolve();
  private readonly onNotify = (): void => {
    this.notified = true;
    this.wakeUp?.();
  };

  constructor(
    private readonly source: SubscriptionSource,
    private cursor: Position | undefined,
    private readonly filter: AllFilter | undefined,
  ) {
    source.notifier.add(this.onNotify);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<RecordedEvent, void, undefined> {
    try {
      while (!this.closed) {
        this.notified = false;
        const page = await this.read().catch((error: unknown) => {
          if (this.closed) return undefined; // the store closed under a read: a clean end
          throw error;
        });
        if (!page) return;
        const { events, scannedTo } = page;
        for (const event of events) {
          if (this.closed) return;
          this.cursor = event.position;
          yield event;
        }
        if (scannedTo) this.cursor = scannedTo;
        if (events.length >= this.source.pageSize || this.notified) {
          this.retryMs = HELD_BACK_RETRY_MS[0];
        } else if (page.heldBack) {
          await this.idle(this.retryMs);
          this.retryMs = Math.min(this.retryMs * 2, HELD_BACK_RETRY_MS[1]);
        } else {
          this.retryMs = HELD_BACK_RETRY_MS[0];
          await this.idle(this.source.pollIntervalMs);
        }
      }
    } finally {
      await this.close();
    }
  }

  async close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.source.notifier.remove(this.onNotify);
      this.wakeUp?.();
      this.source.forget(this);
    }
    await this.reading.catch(() => undefined);
  }

  private read(): Promise<Page> {
    const page = this.readPage();
    this.reading = page;
    return page;
  }

  private async readPage(): Promise<Page> {
    // With a filter, most of the log may not match: remember how far it was scanned (the head,
    // taken before the read, is fully covered by it) so the next poll does not rescan it.
    const head = this.filter ? await this.source.headPosition() : undefined;
    // `heldBack` comes from the read's own snapshot: an event committed after it announces
    // itself (sets `notified`), so no wake-up falls between the read and the check.
    const { events, heldBack } = await this.source.readAllWithHeldBack({
      from: this.cursor,
      filter: this.filter,
      maxCount: this.source.pageSize,
    });
    const last = events[events.length - 1]?.position ?? this.cursor;
    const beyond = head && (!last || this.source.comparePositions(head, last) > 0);
    const scannedTo = events.length < this.source.pageSize && beyond ? head : undefined;
    return { events, scannedTo, heldBack };
  }

  private idle(ms: number): Promise<void> {
    this.source.notifier.ensureListening();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    }).finally(() => (this.wakeUp = undefined));
  }
}
