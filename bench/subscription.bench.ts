import { performance } from 'node:perf_hooks';
import type { EventStore, RecordedEvent } from '@custodia/event-store';
import { interleave, percentile, sleep } from './measure';
import { benchEvent } from './payload';
import type { RawBaseline } from './raw-baseline';
import { row, type Row } from './report';

export type SubscriptionSettings = {
  readonly samples: number;
  readonly rounds: number;
  /** Upper bound of the random pause before each append. */
  readonly maxPauseMs: number;
};

/** Resolves with the time the subscription yields the event with `id` (skipping any other). */
const deliveredAt = async (events: AsyncIterator<RecordedEvent>, id: string): Promise<number> => {
  for (;;) {
    const next = await events.next();
    if (next.done) throw new Error('subscription ended before the event was delivered');
    if (next.value.id === id) return performance.now();
  }
};

/**
 * Append one event, time until a live `subscribeToAll` yields it (append call included: that is
 * what a projection waits). Against a raw INSERT + pg_notify in one statement received by a
 * LISTENing connection: the floor for commit-then-wake delivery on this server.
 */
export const subscriptionBenchmark = async (
  store: EventStore,
  raw: RawBaseline,
  s: SubscriptionSettings,
  progress: (line: string) => void,
): Promise<Row[]> => {
  progress(`subscription latency: ${s.samples} samples each`);
  const head = await store.headPosition();
  const subscription = store.subscribeToAll(head ? { from: head } : {});
  const events = subscription[Symbol.asyncIterator]();
  const listener = await raw.listen();
  const perRound = Math.max(1, Math.round(s.samples / s.rounds));
  let n = 0;
  let rawRevision = 0;
  /** A round of samples, each after a random pause so appends do not line up with a poll. */
  const sampled =
    (one: () => Promise<number>) =>
    async (round: number): Promise<number[]> => {
      const latencies: number[] = [];
      for (let i = 0; i < (round < 0 ? 10 : perRound); i += 1) {
        await sleep(Math.random() * s.maxPauseMs);
        latencies.push(await one());
      }
      return latencies;
    };
  try {
    const result = await interleave(
      s.rounds,
      {
        label: 'store',
        run: sampled(async () => {
          const event = benchEvent((n += 1));
          const start = performance.now();
          const delivered = deliveredAt(events, event.id);
          await store.append('bench-latency', [event]);
          return (await delivered) - start;
        }),
      },
      {
        label: 'raw',
        run: sampled(async () => {
          const event = benchEvent((n += 1));
          const start = performance.now();
          const delivered = listener.next(event.id);
          await raw.insertAndNotify('bench-latency', (rawRevision += 1), event);
          return (await delivered) - start;
        }),
      },
    );
    const subject = result.subject.flat();
    const reference = result.reference.flat();
    return [50, 99].map((p) =>
      row(
        `subscription delivery p${p}`,
        'ms',
        percentile(subject, p),
        percentile(reference, p),
        p === 99 ? { on: 'value', op: '<', target: 20 } : null,
      ),
    );
  } finally {
    await subscription.close();
    await listener.close();
  }
};
