import { appendCases } from './contract/append.contract';
import {
  type ContractContext,
  type EventStoreFixture,
  type EventStoreHarness,
} from './contract/contract-support';
import { hashChainCases } from './contract/hash-chain.contract';
import { readCases } from './contract/read.contract';
import { scanCases } from './contract/scan.contract';
import { subscriptionCases } from './contract/subscription.contract';

export type { EventStoreFixture, EventStoreHarness, HeldAppend } from './contract/contract-support';

/**
 * The one contract every EventStore adapter passes. Call it at the top level of the adapter's
 * spec file:
 *
 *   describeEventStoreContract('kurrentdb', url ? harness : undefined, 'KURRENTDB_URL not set');
 *
 * `harness.create()` runs before each test and returns `{ store, cleanup, holdOpenAppend? }`;
 * `cleanup()` runs after it (the store may already be closed by then). Tests write only to
 * stream names under a random prefix and read `$all` through that prefix from the head they
 * saw first, so the store may be shared and non-empty. `holdOpenAppend` serves the gap test;
 * adapters whose appends cannot commit out of order set `skipGapTest` to a reason instead.
 * With no harness every test is still registered, as skipped with `skipReason` in the title.
 */
export const describeEventStoreContract = (
  adapterName: string,
  harness: EventStoreHarness | undefined,
  skipReason = 'no harness for this adapter',
): void => {
  const title = `${adapterName} event store contract`;
  const register = harness === undefined ? describe.skip : describe;
  register(harness === undefined ? `${title} (skipped: ${skipReason})` : title, () => {
    let current: EventStoreFixture | undefined;
    beforeEach(async () => {
      current = await harness?.create();
    });
    afterEach(async () => {
      await current?.cleanup();
      current = undefined;
    });

    const context: ContractContext = {
      harness,
      fixture: () => {
        if (!current) throw new Error('no fixture: harness.create() did not run');
        return current;
      },
    };
    appendCases(context);
    readCases(context);
    subscriptionCases(context);
    hashChainCases(context);
    scanCases(context);
  });
};
