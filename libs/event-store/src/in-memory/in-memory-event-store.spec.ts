import { describeEventStoreContract } from '../event-store.contract';
import { InMemoryEventStore } from './in-memory-event-store';

describe(InMemoryEventStore.name, () => {
  describeEventStoreContract('in-memory', {
    create: () => {
      const store = new InMemoryEventStore();
      return Promise.resolve({ store, cleanup: () => store.close() });
    },
    skipGapTest: 'appends commit one at a time in call order, so the log has no gaps',
    quietPeriodMs: 30,
  });

  it('stamps recordedAt from the clock it is given', async () => {
    const now = new Date('2025-03-04T05:06:07.000Z');
    const sut = new InMemoryEventStore({ now: () => now });
    await sut.append('Customer-1', [{ type: 'A', data: {} }]);
    const [stored] = await sut.readStream('Customer-1');
    expect(stored?.recordedAt).toEqual(now);
  });

  it('hands out copies, so callers cannot change what is stored', async () => {
    const sut = new InMemoryEventStore();
    const data = { list: ['a'] };
    await sut.append('Customer-1', [{ type: 'A', data }]);
    data.list.push('b');
    const [read] = await sut.readStream('Customer-1');
    (read?.data.list as string[]).push('c');
    expect((await sut.readStream('Customer-1'))[0]?.data).toEqual({ list: ['a'] });
  });
});
