import type { ExpectedRevision } from './event-store.port';

export type EventStoreErrorCode =
  | 'EVENT_STORE.WRONG_EXPECTED_REVISION'
  | 'EVENT_STORE.DUPLICATE_EVENT_ID'
  | 'EVENT_STORE.INVALID_ARGUMENT'
  | 'EVENT_STORE.UNAVAILABLE';

export class EventStoreError extends Error {
  constructor(
    readonly code: EventStoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'EventStoreError';
  }
}

/** Optimistic concurrency failed: someone else appended to the stream first. */
export class WrongExpectedRevision extends EventStoreError {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    /** Last revision in the stream, or -1 when it does not exist. */
    readonly actual: number,
  ) {
    super(
      'EVENT_STORE.WRONG_EXPECTED_REVISION',
      `stream ${streamId}: expected revision ${String(expected)}, actual ${actual}`,
    );
    this.name = 'WrongExpectedRevision';
  }
}
