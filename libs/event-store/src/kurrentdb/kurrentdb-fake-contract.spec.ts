import { describeEventStoreContract } from '../event-store.contract';
import { FakeKurrentDb } from './kurrentdb-client.fixtures';
import { KurrentDbEventStore } from './kurrentdb-event-store';

/**
 * The shared contract over the fake client, so every change to the adapter meets the contract
 * without a server. It proves the adapter against the server's rules as the fake models them;
 * kurrentdb-event-store.int-spec.ts runs the same cases against a real server.
 */
describeEventStoreContract('KurrentDB over the fake client', {
  create: () => {
    const store = KurrentDbEventStore.fromClient(new FakeKurrentDb().asClient(), {
      subscriptionRetry: { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 1 },
    });
    return Promise.resolve({ store, cleanup: () => store.close() });
  },
  skipGapTest: 'KurrentDB appends cannot commit out of log order',
  skipCrossStreamIdCheck: 'KurrentDB checks event ids per stream only',
});
