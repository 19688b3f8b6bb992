import {
  type AppendOptions,
  type EventStore,
  InMemoryEventStore,
  type NewEvent,
  WrongExpectedRevision,
} from '@custodia/event-store';
import { aPurposeCatalog, aRegisterCustomer, CUSTOMER_ID, SALES_REP, T0 } from '@custodia/testing';
import { CustomerStreamRepository } from './customer-stream.repository';

const STREAM = `Customer-${CUSTOMER_ID}`;
const metadata = { actorId: SALES_REP, now: T0, correlationId: 'corr-1' };
const update = {
  type: 'UpdateCustomerProfile' as const,
  data: {
    customerId: CUSTOMER_ID,
    changes: { company: 'Acme' },
    occurredAt: T0,
    actorId: SALES_REP,
  },
};

/** Another writer appends to the stream just before each of our first `conflicts` appends. */
const racingStore = (inner: InMemoryEventStore, conflicts: number): EventStore =>
  new Proxy(inner, {
    get(target, property, receiver) {
      if (property !== 'append') return Reflect.get(target, property, receiver) as unknown;
      return async (streamId: string, events: NewEvent[], options?: AppendOptions) => {
        if (conflicts > 0) {
          conflicts -= 1;
          await target.append(streamId, [
            {
              type: 'CustomerProfileUpdated',
              data: { customerId: CUSTOMER_ID, removed: [], updatedAt: T0, actorId: 'other' },
            },
          ]);
        }
        return target.append(streamId, events, options);
      };
    },
  });

describe(CustomerStreamRepository.name, () => {
  it('appends the decided events with the command metadata, on a new stream', async () => {
    const store = new InMemoryEventStore();
    const sut = new CustomerStreamRepository(store, aPurposeCatalog());
    await sut.executeCustomer(aRegisterCustomer(), metadata);
    const events = await store.readStream(STREAM);
    expect(events.map((event) => event.type)).toEqual(['CustomerRegistered', 'ConsentGranted']);
    expect(events[0]?.metadata).toMatchObject(metadata);
  });

  it('decides again on what another writer appended, a few times at most', async () => {
    const store = new InMemoryEventStore();
    await new CustomerStreamRepository(store, aPurposeCatalog()).executeCustomer(
      aRegisterCustomer(),
      metadata,
    );
    const sut = new CustomerStreamRepository(racingStore(store, 2), aPurposeCatalog());
    await sut.executeCustomer(update, metadata);
    expect((await store.readStream(STREAM)).at(-1)?.data).toMatchObject({
      company: 'Acme',
    });
    const hopeless = new CustomerStreamRepository(racingStore(store, 3), aPurposeCatalog());
    const another = { ...update, data: { ...update.data, changes: { company: 'Beta' } } };
    await expect(hopeless.executeCustomer(another, metadata)).rejects.toThrow(
      WrongExpectedRevision,
    );
  });

  it('appends nothing when the check or the decider refuses', async () => {
    const store = new InMemoryEventStore();
    const sut = new CustomerStreamRepository(store, aPurposeCatalog());
    await expect(sut.executeCustomer(update, metadata)).rejects.toThrow(/customerId/);
    await expect(
      sut.executeCustomer(aRegisterCustomer(), metadata, () => {
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect(await store.readStream(STREAM)).toEqual([]);
  });
});
