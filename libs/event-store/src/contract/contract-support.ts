import { randomUUID } from 'node:crypto';
import { EventStoreError, WrongExpectedRevision } from '../event-store.errors';
import type { EventStoreErrorCode } from '../event-store.errors';
import type {
  EventStore,
  NewEvent,
  Position,
  RecordedEvent,
  Subscription,
} from '../event-store.port';

/** An append whose transaction is still open: nothing of it is committed until `commit()`. */
export type HeldAppend = {
  commit(): Promise<void>;
  rollback(): Promise<void>;
};

export type EventStoreFixture = {
  readonly store: EventStore;
  /**
   * Starts appending `events` to `streamId` (expected revision `any`) the way the adapter does,
   * but leaves the transaction open. Only adapters whose global order can have gaps need it.
   */
  readonly holdOpenAppend?: (streamId: string, events: readonly NewEvent[]) => Promise<HeldAppend>;
  cleanup(): Promise<void>;
};

export type EventStoreHarness = {
  /** A store for one test. It need not be empty: every test writes to its own stream names. */
  create(): Promise<EventStoreFixture>;
  /** Why the gap test does not apply (for stores whose appends cannot overtake each other). */
  skipGapTest?: string;
  /**
   * Why ids reused in another stream cannot be refused (KurrentDB checks ids per stream only
   * and has no index by event id). The per-stream duplicate checks still run.
   */
  skipCrossStreamIdCheck?: string;
  /** How long "nothing more arrives" is watched; at least a few polling intervals. */
  quietPeriodMs?: number;
};

/** What each group of cases needs: the current test's fixture and the harness options. */
export type ContractContext = {
  readonly fixture: () => EventStoreFixture;
  readonly harness: EventStoreHarness | undefined;
};

/** A stream-name prefix unique to one test, so tests never see each other's events. */
export const newNamespace = (): string => `contract${randomUUID().slice(0, 8)}`;

export const event = (type: string, data: Record<string, unknown> = {}): NewEvent => ({
  id: randomUUID(),
  type,
  data,
});

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

export const waitFor = async (
  check: () => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
};

/**
 * Waits until readers see `position`. Stores may let readers lag behind a committed append
 * (PostgreSQL hides it while an older transaction anywhere on the server is still open).
 */
export const waitUntilVisible = async (store: EventStore, position: Position): Promise<void> => {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const head = await store.headPosition();
    if (head !== undefined && store.comparePositions(head, position) >= 0) return;
    if (Date.now() > deadline) throw new Error('timed out waiting for an append to be visible');
    await sleep(10);
  }
};

/** Drains a subscription in the background; `stop()` closes it and waits for the loop to end. */
export const collect = (subscription: Subscription) => {
  const received: RecordedEvent[] = [];
  let failure: unknown;
  const done = (async () => {
    for await (const recorded of subscription) received.push(recorded);
  })().catch((error: unknown) => {
    failure = error;
  });
  return {
    received,
    ids: () => received.map((recorded) => recorded.id),
    failure: () => failure,
    stop: async () => {
      await subscription.close();
      await done;
    },
    /** The loop has ended by itself (after close) without failing. */
    ended: done,
  };
};

export const ids = (events: readonly { readonly id?: string }[]): (string | undefined)[] =>
  events.map((recorded) => recorded.id);

/** Positions must rise strictly along the global order. */
export const expectAscending = (store: EventStore, positions: readonly Position[]): void => {
  for (let index = 1; index < positions.length; index++) {
    expect(store.comparePositions(positions[index - 1], positions[index])).toBeLessThan(0);
  }
};

export const expectStoreError = async (
  promise: Promise<unknown>,
  code: EventStoreErrorCode,
): Promise<EventStoreError> => {
  const error: unknown = await promise.then(
    () => undefined,
    (rejection: unknown) => rejection,
  );
  expect(error).toBeInstanceOf(EventStoreError);
  expect((error as EventStoreError).code).toBe(code);
  return error as EventStoreError;
};

export const expectWrongRevision = async (
  promise: Promise<unknown>,
  actual: number,
): Promise<void> => {
  const error = await expectStoreError(promise, 'EVENT_STORE.WRONG_EXPECTED_REVISION');
  expect(error).toBeInstanceOf(WrongExpectedRevision);
  expect((error as WrongExpectedRevision).actual).toBe(actual);
};
