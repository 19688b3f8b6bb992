import { describeEventStoreContract, type EventStoreHarness } from '../event-store.contract';
import { KurrentDbEventStore } from './kurrentdb-event-store';

/**
 * The shared contract against a real KurrentDB, when KURRENTDB_URL is set, e.g.
 *   docker compose -f docker/compose.yml up -d kurrentdb
 *   KURRENTDB_URL='kurrentdb://localhost:2113?tls=false' npx jest libs/event-store/src/kurrentdb
 *
 * The server is shared and keeps every run's events ($all is never empty or private). The
 * contract copes: each test writes only under its own random stream prefix and reads $all and
 * subscribes through a `streamPrefixes` filter on that prefix, from the head it saw first, so
 * other runs' (and other tests') events never reach an assertion. Each test gets its own client.
 */
const url = process.env.KURRENTDB_URL;

const harness = (connectionString: string): EventStoreHarness => ({
  create: () => {
    const store = KurrentDbEventStore.fromConnectionString(connectionString);
    return Promise.resolve({ store, cleanup: () => store.close() });
  },
  // One writer appends to one log: an append becomes readable only after every earlier one.
  skipGapTest: 'KurrentDB appends cannot commit out of log order',
  // The server checks event ids per stream only; Custodia's v7 ids do not collide across streams.
  skipCrossStreamIdCheck: 'KurrentDB checks event ids per stream only',
  // Live delivery crosses the network: watch a little longer than in process.
  quietPeriodMs: 500,
});

describeEventStoreContract(
  'KurrentDB',
  url === undefined || url === '' ? undefined : harness(url),
  'KURRENTDB_URL not set',
);
