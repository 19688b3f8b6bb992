import type { PurposeCatalog } from '@custodia/consent';
import type { EventStore, NewEvent } from '@custodia/event-store';
import { AccessHistoryGenerator } from './access-history';
import { customerStreamId } from '@custodia/customers';
import {
  CustomerHistoryGenerator,
  type SeededCustomer,
  seededCustomerId,
} from './customer-history';
import { SeededRandom } from './seeded-random';
import { Staff } from './seed-staff';
import { seedTimeline, shareOf } from './seed-time';

export type SeedOptions = {
  readonly seed: number;
  readonly customers: number;
  readonly followUps: number;
  readonly accessEvents: number;
  /** Appends in flight at once (PostgreSQL commits concurrent appends together). */
  readonly concurrency: number;
  /** Sales reps; default one per ~1,000 customers (8–400). */
  readonly reps?: number;
  /** The history ends at the start of this day (UTC). */
  readonly asOf: Date;
  /**
   * This process writes blocks `index`, `index + count`, …: several processes with the same
   * options and shards 0..count-1 write one history together (ids do not depend on the writer).
   */
  readonly shard?: { readonly index: number; readonly count: number };
};

export type SeedProgress = { readonly customers: number; readonly events: number };

export type SeedSummary = SeedProgress & {
  readonly users: number;
  readonly elapsedMs: number;
  readonly eventsPerSecond: number;
};

/** Customers per unit of work: their streams, then one append of their access events. */
export const BLOCK_SIZE = 32;
/** Access events of the seed go to this many `AccessLog-seed<n>-<k>` streams (like API processes). */
export const ACCESS_STREAMS = 16;

const SALT = { customer: 0xc0, followUps: 0xf0, access: 0xac, accessShare: 0xa5 } as const;

/**
 * Fills the store with a deterministic history: the users, then customers block by block,
 * `concurrency` blocks at a time. Every append is idempotent by event id, so running the same
 * options again after a crash writes only what is missing.
 */
export class Seeder {
  constructor(
    private readonly store: EventStore,
    private readonly catalog: PurposeCatalog,
  ) {}

  /**
   * `observe` sees each customer once its stream is written (a test checks the values it must
   * never find in the clear); it must not log them.
   */
  async run(
    options: SeedOptions,
    onProgress: (progress: SeedProgress) => void = () => undefined,
    observe: (customer: SeededCustomer) => void = () => undefined,
  ): Promise<SeedSummary> {
    const started = performance.now();
    const { seed, customers } = options;
    const timeline = seedTimeline(options.asOf);
    const staff = new Staff(seed, options.reps ?? Staff.defaultRepCount(customers));
    const history = new CustomerHistoryGenerator(seed, this.catalog, staff, timeline);
    const access = new AccessHistoryGenerator(seed, this.catalog, staff, timeline.asOf);

    let events = 0;
    let done = 0;
    const registrations = staff.registrations(
      new Date(timeline.registrationFrom - 86_400_000).toISOString(),
    );
    await inParallel(registrations, options.concurrency, async ({ streamId, events: batch }) => {
      await this.store.append(streamId, batch, { expectedRevision: 'no_stream' });
      events += batch.length;
    });
    onProgress({ customers: 0, events });

    const shard = options.shard ?? { index: 0, count: 1 };
    const mine = range(Math.ceil(customers / BLOCK_SIZE)).filter(
      (block) => block % shard.count === shard.index,
    );
    // A run that finds its first customer written is resuming (appends stay idempotent anyway).
    const first = mine.length === 0 ? undefined : seededCustomerId(seed, mine[0] * BLOCK_SIZE);
    const resuming =
      first !== undefined &&
      (await this.store.readStream(customerStreamId(first), { maxCount: 1 })).length > 0;
    await inParallel(mine, options.concurrency, async (block) => {
      const accessEvents: NewEvent[] = [];
      const end = Math.min(customers, (block + 1) * BLOCK_SIZE);
      for (let index = block * BLOCK_SIZE; index < end; index++) {
        const random = new SeededRandom(seed, index, SALT.customer);
        const followUps = shareOf(
          options.followUps,
          customers,
          index,
          (pair) => new SeededRandom(seed, pair, SALT.followUps),
        );
        const generated = history.generate(index, followUps, random);
        // Resuming: a customer whose stream exists was written whole (one append each), so a
        // look-up replaces the append (which the store would also recognise, at more cost).
        const written =
          resuming && (await this.store.readStream(generated.streamId, { maxCount: 1 })).length;
        if (!written) {
          await this.store.append(generated.streamId, generated.events, {
            expectedRevision: 'no_stream',
          });
        }
        const accessCount = shareOf(
          options.accessEvents,
          customers,
          index,
          (pair) => new SeededRandom(seed, pair, SALT.accessShare),
        );
        accessEvents.push(
          ...access.generate(
            generated.customer,
            generated.activeBases,
            accessCount,
            new SeededRandom(seed, index, SALT.access),
          ),
        );
        observe(generated.customer);
        events += generated.events.length;
        done += 1;
        onProgress({ customers: done, events });
      }
      if (accessEvents.length > 0) {
        // Appended after the customers they name, like the API (the customer exists first).
        await this.store.append(accessStreamId(seed, block), accessEvents, {
          expectedRevision: 'any',
        });
        events += accessEvents.length;
        onProgress({ customers: done, events });
      }
    });

    const elapsedMs = performance.now() - started;
    return {
      customers: done,
      events,
      users: registrations.length,
      elapsedMs,
      eventsPerSecond: events / (elapsedMs / 1000),
    };
  }
}

/** How many customers a shard writes (all of them without a shard). */
export const customersInShard = (
  customers: number,
  shard: { readonly index: number; readonly count: number } = { index: 0, count: 1 },
): number => {
  let count = 0;
  for (let block = shard.index; block * BLOCK_SIZE < customers; block += shard.count) {
    count += Math.min(BLOCK_SIZE, customers - block * BLOCK_SIZE);
  }
  return count;
};

export const accessStreamId = (seed: number, block: number): string =>
  `AccessLog-seed${seed}-${block % ACCESS_STREAMS}`;

const range = (count: number): number[] => Array.from({ length: count }, (_, i) => i);

/** Runs `work` over `items` with at most `limit` in flight; the first failure stops new work. */
export const inParallel = async <T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> => {
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const item = items[next++];
      try {
        await work(item);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
};
