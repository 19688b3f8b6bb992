/**
 * The event store port. Every adapter (postgres, kurrentdb, in-memory) implements it and passes
 * the one contract suite in `event-store.contract.ts`.
 */

/** Carried by every message: who acted, why, and how it relates to other messages. */
export type EventMetadata = {
  readonly actorId?: string;
  readonly correlationId?: string;
  readonly causationId?: string;
  readonly purpose?: string;
  /** ISO-8601 time of the decision, passed in from the Clock. */
  readonly now?: string;
  readonly [key: string]: unknown;
};

/** An event to append. `id` (a UUID) makes the append idempotent; one is generated if absent. */
export type NewEvent<
  Type extends string = string,
  Data extends Record<string, unknown> = Record<string, unknown>,
> = {
  readonly id?: string;
  readonly type: Type;
  readonly data: Data;
  readonly metadata?: EventMetadata;
};

/**
 * An opaque, ordered, serialisable checkpoint in the global log. Compare positions only through
 * the store that produced them (`EventStore.comparePositions`).
 */
export type Position = string & { readonly __position: unique symbol };

export type RecordedEvent<
  Type extends string = string,
  Data extends Record<string, unknown> = Record<string, unknown>,
> = {
  readonly id: string;
  readonly streamId: string;
  readonly type: Type;
  /** 0-based position of the event inside its stream. */
  readonly revision: number;
  /** Position in the global log; resume a read or subscription after it. */
  readonly position: Position;
  readonly data: Data;
  readonly metadata: EventMetadata;
  readonly recordedAt: Date;
  /**
   * Hex SHA-256 chained to the previous event of the stream, over the stored form
   * (`event-hash.ts`). Every store sets it; optional only so hand-built fixtures need not.
   */
  readonly hash?: string;
};

/** `any`: no check; `no_stream`: the stream must not exist; `exists`: it must; a number: its last revision. */
export type ExpectedRevision = 'any' | 'no_stream' | 'exists' | number;

export type AppendOptions = { readonly expectedRevision?: ExpectedRevision };

export type AppendResult = {
  /** Revision of the last event now in the stream: pass it as `expectedRevision` next time. */
  readonly nextExpectedRevision: number;
  /** Global position of the last appended event. */
  readonly position: Position;
};

export type Direction = 'forwards' | 'backwards';

export type ReadStreamOptions = {
  readonly direction?: Direction;
  /** Inclusive. Defaults to the first (forwards) or last (backwards) event. */
  readonly fromRevision?: number;
  readonly maxCount?: number;
};

export type AllFilter = {
  readonly eventTypes?: readonly string[];
  readonly streamPrefixes?: readonly string[];
};

export type ReadAllOptions = {
  /** Exclusive: events strictly after this checkpoint. Undefined means from the beginning. */
  readonly from?: Position;
  readonly maxCount?: number;
  readonly filter?: AllFilter;
  /**
   * Every committed event, including those still held back behind an older open transaction.
   * For one-shot scans that keep no checkpoint (reconcile-keys at boot must not miss an erasure
   * because some unrelated transaction is open). Not for paging a projection: a transaction that
   * commits late may land behind a position already passed. Stores without gaps ignore it.
   */
  readonly committed?: boolean;
};

export type ScanOptions = {
  readonly filter?: AllFilter;
  /** Events fetched per round trip (default 5,000). */
  readonly pageSize?: number;
};

export type SubscribeOptions = {
  /** Exclusive checkpoint to resume after; undefined means from the beginning of the log. */
  readonly from?: Position;
  readonly filter?: AllFilter;
};

/**
 * Catch-up then live: yields every event after `from` in global order, then waits for new ones.
 * Iterate with `for await`; `close()` ends the iteration.
 */
export type Subscription = AsyncIterable<RecordedEvent> & {
  close(): Promise<void>;
};

export type EventStore = {
  append(
    streamId: string,
    events: readonly NewEvent[],
    options?: AppendOptions,
  ): Promise<AppendResult>;
  /** An empty array when the stream does not exist. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** One page of the global log in commit order; continue from the last event's position. */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /**
   * Every event of the log in global order, as of one consistent moment: all that was committed
   * when the scan began and nothing after, whatever commits meanwhile. For one-shot passes over
   * the whole log (verification, export); a projection pages `readAll` or subscribes instead.
   */
  scanAll(options?: ScanOptions): AsyncIterable<RecordedEvent>;
  subscribeToAll(options?: SubscribeOptions): Subscription;
  /** Negative, zero or positive like `Array.prototype.sort` comparators. */
  comparePositions(a: Position, b: Position): number;
  /** Position of the last event visible to readers, or undefined for an empty log. */
  headPosition(): Promise<Position | undefined>;
  /** Cheap liveness probe for /health. */
  ping(): Promise<void>;
  close(): Promise<void>;
};

export const EVENT_STORE = Symbol('EVENT_STORE');
