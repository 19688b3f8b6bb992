import { loadPurposeCatalog, type PurposeCatalog } from '@custodia/consent';
import { type EventStore, InMemoryEventStore } from '@custodia/event-store';
import { ROLES, userStreamId } from '@custodia/identity';
import { customersInShard, inParallel, Seeder } from './seeder';

const OPTIONS = {
  seed: 3,
  customers: 70,
  followUps: 300,
  accessEvents: 140,
  concurrency: 4,
  asOf: new Date('2026-11-30T00:00:00Z'),
};

const allEvents = async (store: InMemoryEventStore) => {
  const events = [];
  for (let page = await store.readAll({ maxCount: 10_000 }); page.length > 0;) {
    events.push(...page);
    page = await store.readAll({ from: page.at(-1)?.position, maxCount: 10_000 });
  }
  return events;
};

describe(Seeder.name, () => {
  let catalog: PurposeCatalog;

  beforeAll(async () => {
    catalog = await loadPurposeCatalog(undefined, { knownRoles: ROLES });
  });

  it('writes users, customers with their follow-ups, and access events', async () => {
    const store = new InMemoryEventStore();
    const summary = await new Seeder(store, catalog).run(OPTIONS);
    const events = await allEvents(store);
    expect(summary.events).toBe(events.length);
    expect(summary.customers).toBe(70);
    const count = (type: string) => events.filter((e) => e.type === type).length;
    expect(count('CustomerRegistered')).toBe(70);
    expect(count('FollowUpLogged')).toBe(300);
    expect(
      count('CustomerDataAccessed') +
        count('PersonalDataRevealed') +
        count('CustomerDataExported') +
        count('AccessDenied'),
    ).toBe(140);
    expect(count('UserRegistered')).toBe(summary.users);
    expect(await store.readStream(userStreamId('seed3-dpo'))).toHaveLength(1);
  });

  it('continues instead of duplicating when run again after a crash', async () => {
    const store = new InMemoryEventStore();
    // The process dies after 30 appends: later appends never happen.
    let appends = 0;
    const crashing: EventStore = Object.create(store) as EventStore;
    crashing.append = (...args) => {
      appends += 1;
      return appends > 30 ? Promise.reject(new Error('killed')) : store.append(...args);
    };
    await expect(new Seeder(crashing, catalog).run(OPTIONS)).rejects.toThrow('killed');
    const partial = (await allEvents(store)).length;
    expect(partial).toBeGreaterThan(0);

    const second = await new Seeder(store, catalog).run({ ...OPTIONS, concurrency: 7 });
    const events = await allEvents(store);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    expect(events.filter((e) => e.type === 'CustomerRegistered')).toHaveLength(70);
    expect(second.events).toBe(events.length);
    // Exactly what one uninterrupted run writes.
    const fresh = new InMemoryEventStore();
    await new Seeder(fresh, catalog).run(OPTIONS);
    const freshIds = (await allEvents(fresh)).map((e) => e.id);
    expect(events.map((e) => e.id).sort()).toEqual(freshIds.sort());
  });
});

describe('Seeder shards', () => {
  it('write together exactly what one run writes', async () => {
    const catalog = await loadPurposeCatalog(undefined, { knownRoles: ROLES });
    const store = new InMemoryEventStore();
    await Promise.all(
      [0, 1, 2].map((index) =>
        new Seeder(store, catalog).run({ ...OPTIONS, shard: { index, count: 3 } }),
      ),
    );
    const fresh = new InMemoryEventStore();
    await new Seeder(fresh, catalog).run(OPTIONS);
    const ids = (events: { id: string }[]) => events.map((e) => e.id).sort();
    expect(ids(await allEvents(store))).toEqual(ids(await allEvents(fresh)));
  });
});

describe('inParallel', () => {
  it('keeps at most `limit` in flight and runs every item once', async () => {
    let running = 0;
    let most = 0;
    const done: number[] = [];
    await inParallel([1, 2, 3, 4, 5, 6, 7], 3, async (item) => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      done.push(item);
      running -= 1;
    });
    expect(most).toBe(3);
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('rejects with the first failure', async () => {
    await expect(
      inParallel([1, 2], 2, (item) =>
        item === 2 ? Promise.reject(new Error('boom')) : Promise.resolve(),
      ),
    ).rejects.toThrow('boom');
  });
});

describe('customersInShard', () => {
  it('splits the customers over the shards exactly', () => {
    for (const customers of [0, 31, 32, 33, 1_000, 100_003]) {
      const shares = [0, 1, 2].map((index) => customersInShard(customers, { index, count: 3 }));
      expect(shares.reduce((a, b) => a + b, 0)).toBe(customers);
      expect(customersInShard(customers)).toBe(customers);
    }
  });
});
