import type { RecordedEvent, Subscription } from '@custodia/event-store';

/** Most events decrypted with one key lookup; matches the Postgres store's page size. */
const MAX_BATCH = 500;
const TICK = Symbol('tick');

const nextMacrotask = (): Promise<typeof TICK> =>
  new Promise((resolve) => setImmediate(() => resolve(TICK)));

/**
 * Decrypts a subscription in batches. It takes, without waiting, what the inner subscription
 * already holds (the rest of a page arrives within microtasks; a live event needs I/O, which
 * only resolves after the next macrotask), so catching up costs one key lookup per page instead
 * of one per event, and a live event is not delayed.
 */
export class DecryptingSubscription implements Subscription {
  constructor(
    private readonly inner: Subscription,
    private readonly open: (events: RecordedEvent[]) => Promise<RecordedEvent[]>,
  ) {}

  async *[Symbol.asyncIterator](): AsyncGenerator<RecordedEvent, void, undefined> {
    const source = this.inner[Symbol.asyncIterator]();
    let next = source.next();
    try {
      for (;;) {
        const first = await next;
        if (first.done === true) return;
        const batch = [first.value];
        next = source.next();
        let ended = false;
        const tick = nextMacrotask();
        while (batch.length < MAX_BATCH) {
          const result = await Promise.race([next, tick]);
          if (result === TICK) break;
          if (result.done === true) {
            ended = true;
            break;
          }
          batch.push(result.value);
          next = source.next();
        }
        for (const event of await this.open(batch)) yield event;
        if (ended) return;
      }
    } finally {
      void next.catch(() => undefined); // the read in flight may fail once the inner one closes
      await this.inner.close();
    }
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
