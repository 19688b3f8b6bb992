import { randomUUID } from 'node:crypto';
import { InMemoryEventStore, type RecordedEvent } from '@custodia/event-store';
import { EncryptingEventStore } from './encrypting-event-store';
import { InMemoryKeyVault } from './in-memory-key-vault';
import { PersonalDataRegistry } from './personal-data.registry';
import { DecryptingSubscription } from './decrypting-subscription';

const noted = (customerId: string, note: string) => ({
  type: 'NoteTaken',
  data: { customerId, note },
});

describe(DecryptingSubscription.name, () => {
  let vault: InMemoryKeyVault;
  let sut: EncryptingEventStore;

  beforeEach(() => {
    vault = new InMemoryKeyVault();
    const registry = new PersonalDataRegistry().register('NoteTaken', {
      subject: 'customerId',
      fields: ['note'],
    });
    sut = new EncryptingEventStore(new InMemoryEventStore(), { vault, registry });
  });

  afterEach(() => sut.close());

  it('catches up a page of many subjects with a few key lookups, then delivers live events', async () => {
    const customers = Array.from({ length: 300 }, () => randomUUID());
    await sut.append(
      'notes',
      customers.map((id, index) => noted(id, `第${index}次回访`)),
    );
    vault.lookups = 0;
    const subscription = sut.subscribeToAll();
    const received: RecordedEvent[] = [];
    for await (const event of subscription) {
      received.push(event);
      if (received.length === 300) {
        // Caught up: the page cost one lookup for the first event and one for the rest.
        expect(vault.lookups).toBeLessThanOrEqual(2);
        await sut.append('notes', [noted(customers[0], '新的记录')]);
      }
      if (received.length === 301) break;
    }
    expect(received.map((event) => event.data.note)).toEqual([
      ...customers.map((_, index) => `第${index}次回访`),
      '新的记录',
    ]);
  });

  it('closes the inner subscription when the reader stops or calls close()', async () => {
    await sut.append('notes', [noted(randomUUID(), 'a')]);
    const subscription = sut.subscribeToAll();
    const reading = (async () => {
      const seen: unknown[] = [];
      for await (const event of subscription) seen.push(event.data.note);
      return seen;
    })();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await subscription.close();
    expect(await reading).toEqual(['a']);
  });
});
