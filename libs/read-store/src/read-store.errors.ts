export type ReadStoreErrorCode =
  | 'READ_STORE.INVALID_PROJECTION'
  | 'READ_STORE.UNKNOWN_PROJECTION'
  | 'READ_STORE.PROJECTION_LOCKED'
  | 'READ_STORE.LOCK_LOST'
  | 'READ_STORE.CHECKPOINT_MOVED'
  | 'READ_STORE.OUT_OF_ORDER'
  | 'READ_STORE.NEWER_VERSION_RUNNING'
  | 'READ_STORE.APPLY_FAILED';

/** Messages name projections, event types and positions only: never event data. */
export class ReadStoreError extends Error {
  constructor(
    readonly code: ReadStoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ReadStoreError';
  }
}
