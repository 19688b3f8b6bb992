import {
  type RecordedEvent as KurrentRecordedEvent,
  type AppendStreamState,
  type CurrentStreamState,
  type Filter,
  type Position as KurrentPosition,
  ANY,
  ErrorType,
  NO_STREAM,
  STREAM_EXISTS,
  eventTypeFilter,
  excludeSystemEvents,
  isCommandError,
  streamNameFilter,
} from '@kurrent/kurrentdb-client';
import { EventStoreError, WrongExpectedRevision } from '../event-store.errors';
import { duplicateEventId } from '../event-store.guards';
import type { AllFilter, ExpectedRevision, Position, RecordedEvent } from '../event-store.port';

/**
 * The pure half of the KurrentDB adapter: positions, revisions, filters and error mapping.
 * No I/O here, so all of it is unit-tested without a server.
 */

// ---- positions ------------------------------------------------------------------------------

const U64_MAX = (1n << 64n) - 1n;
const DIGITS = 20; // u64 max has 20 decimal digits
const ENCODED = /^(\d{20}):(\d{20})$/;

/**
 * `{commit, prepare}` as "CCCCCCCCCCCCCCCCCCCC:PPPPPPPPPPPPPPPPPPPP": both zero-padded to 20
 * digits, so the string order is the log order (commit first, then prepare) and a checkpoint
 * survives JSON, a text column or a URL unchanged.
 */
export const encodePosition = ({ commit, prepare }: KurrentPosition): Position => {
  if (commit < 0n || prepare < 0n || commit > U64_MAX || prepare > U64_MAX)
    throw new EventStoreError('EVENT_STORE.INVALID_ARGUMENT', 'KurrentDB position out of range');
  return `${commit.toString().padStart(DIGITS, '0')}:${prepare.toString().padStart(DIGITS, '0')}` as Position;
};

export const decodePosition = (position: Position): KurrentPosition => {
  const match = typeof position === 'string' ? ENCODED.exec(position) : null;
  if (match === null)
    throw new EventStoreError('EVENT_STORE.INVALID_ARGUMENT', 'not a KurrentDB position');
  const decoded = { commit: BigInt(match[1]), prepare: BigInt(match[2]) };
  if (decoded.commit > U64_MAX || decoded.prepare > U64_MAX)
    throw new EventStoreError('EVENT_STORE.INVALID_ARGUMENT', 'KurrentDB position out of range');
  return decoded;
};

export const compareKurrentPositions = (a: KurrentPosition, b: KurrentPosition): number =>
  a.commit !== b.commit
    ? a.commit < b.commit
      ? -1
      : 1
    : a.prepare === b.prepare
      ? 0
      : a.prepare < b.prepare
        ? -1
        : 1;

/** Validates both sides, so a checkpoint from another adapter fails loudly instead of sorting. */
export const comparePositions = (a: Position, b: Position): number =>
  compareKurrentPositions(decodePosition(a), decodePosition(b));

// ---- revisions ------------------------------------------------------------------------------

/** 0-based on both sides; a stream past 2^53 events is not something this system will see. */
export const toRevision = (revision: bigint): number => {
  if (revision < -1n || revision > BigInt(Number.MAX_SAFE_INTEGER))
    throw new EventStoreError('EVENT_STORE.INVALID_ARGUMENT', 'KurrentDB revision out of range');
  return Number(revision);
};

export const toStreamState = (expected: ExpectedRevision): AppendStreamState => {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'exists':
      return STREAM_EXISTS;
    default:
      if (!Number.isSafeInteger(expected) || expected < 0)
        throw new EventStoreError(
          'EVENT_STORE.INVALID_ARGUMENT',
          'expectedRevision must be any, no_stream, exists or an integer >= 0',
        );
      return BigInt(expected);
  }
};

/** The stream's last revision as the port reports it: -1 when there is no stream. */
export const toActualRevision = (state: CurrentStreamState): number =>
  state === NO_STREAM ? -1 : state < 0n ? -1 : toRevision(state);

const fromStreamState = (state: AppendStreamState): ExpectedRevision => {
  switch (state) {
    case ANY:
      return 'any';
    case NO_STREAM:
      return 'no_stream';
    case STREAM_EXISTS:
      return 'exists';
    default:
      return toRevision(state);
  }
};

// ---- errors ---------------------------------------------------------------------------------

export type ErrorContext = {
  /** What we were doing, e.g. "append": goes into the message. */
  readonly operation: string;
  readonly streamId?: string;
  readonly expected?: ExpectedRevision;
};

const unavailable = (context: ErrorContext, reason: string, cause: unknown): EventStoreError =>
  new EventStoreError(
    'EVENT_STORE.UNAVAILABLE',
    `KurrentDB ${context.operation}${context.streamId === undefined ? '' : ` on stream ${context.streamId}`} failed: ${reason}`,
    { cause },
  );

const invalidArgument = (context: ErrorContext, reason: string, cause: unknown): EventStoreError =>
  new EventStoreError(
    'EVENT_STORE.INVALID_ARGUMENT',
    `KurrentDB ${context.operation}${context.streamId === undefined ? '' : ` on stream ${context.streamId}`} rejected: ${reason}`,
    { cause },
  );

/** Client errors that mean "this request can never succeed as sent". */
const REJECTED: ReadonlySet<ErrorType> = new Set([
  ErrorType.INVALID_ARGUMENT,
  ErrorType.MAXIMUM_APPEND_SIZE_EXCEEDED,
  ErrorType.APPEND_RECORD_SIZE_EXCEEDED,
  ErrorType.TRANSACTION_MAX_SIZE_EXCEEDED,
  ErrorType.STREAM_DELETED,
  ErrorType.STREAM_TOMBSTONED,
]);

/**
 * Maps a client error to the port's errors. Messages carry the operation, the stream id and the
 * client's error type, never event data. Errors that are not the client's (bugs) pass through.
 */
export const toEventStoreError = (error: unknown, context: ErrorContext): unknown => {
  if (error instanceof EventStoreError || !(error instanceof Error)) return error;
  if (isCommandError(error)) {
    if (error.type === ErrorType.WRONG_EXPECTED_VERSION) {
      // With expected revision "any" the server reports a wrong version only when the event ids
      // partly match events already in the stream ("corrupted idempotency").
      if ((context.expected ?? fromStreamState(error.expectedState)) === 'any')
        return duplicateEventId();
      return new WrongExpectedRevision(
        context.streamId ?? error.streamName,
        context.expected ?? fromStreamState(error.expectedState),
        toActualRevision(error.actualState),
      );
    }
    if (REJECTED.has(error.type)) return invalidArgument(context, error.type, error);
    // unavailable, deadline-exceeded, timeout, not-leader, access-denied, unknown (usually the
    // transport): the store cannot serve us now.
    return unavailable(context, error.type, error);
  }
  // A raw gRPC ServiceError (the client does not convert every path): 3 is INVALID_ARGUMENT;
  // the rest (14 UNAVAILABLE, 4 DEADLINE_EXCEEDED, ...) mean the server cannot serve us now.
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'number') {
    if (code === 3) return invalidArgument(context, 'invalid-argument', error);
    return unavailable(context, `grpc status ${code}`, error);
  }
  if (/^Failed to discover after/.test(error.message))
    return unavailable(context, 'cluster discovery failed', error);
  return error;
};

/** The server refused an append because the stream is not at the state it was sent with. */
export const isWrongExpectedVersion = (error: unknown): boolean =>
  error instanceof Error &&
  isCommandError(error) &&
  error.type === ErrorType.WRONG_EXPECTED_VERSION;

export const isStreamNotFound = (error: unknown): boolean =>
  error instanceof Error && isCommandError(error) && error.type === ErrorType.STREAM_NOT_FOUND;

export const isUnavailable = (error: unknown): boolean =>
  error instanceof EventStoreError && error.code === 'EVENT_STORE.UNAVAILABLE';

// ---- filters --------------------------------------------------------------------------------

/** System events: `$`-prefixed types ($metadata, $>, $statsCollected...) or `$` streams. */
export const isSystemEvent = (event: {
  readonly streamId: string;
  readonly type: string;
}): boolean => event.type.startsWith('$') || event.streamId.startsWith('$');

const escapeRegex = (text: string): string => text.replace(/[\\^$.*+?()[\]{}|#\s-]/g, '\\$&');

/**
 * The server can filter $all on one field only. Stream prefixes go to the server when given (in
 * tests they isolate a run from everything else on a shared server), otherwise event types
 * (an anchored alternation), otherwise just "no system events". The caller still applies the
 * full filter client-side, so the server filter only has to be a superset.
 */
export const toServerFilter = (filter: AllFilter | undefined): Filter => {
  if (filter?.streamPrefixes !== undefined && filter.streamPrefixes.length > 0)
    return streamNameFilter({ prefixes: [...filter.streamPrefixes] });
  if (filter?.eventTypes !== undefined && filter.eventTypes.length > 0)
    return eventTypeFilter({ regex: `^(?:${filter.eventTypes.map(escapeRegex).join('|')})$` });
  return excludeSystemEvents();
};

/** An empty list matches nothing (same rule as `matchesFilter`): no need to ask the server. */
export const matchesNothing = (filter: AllFilter | undefined): boolean =>
  filter?.eventTypes?.length === 0 || filter?.streamPrefixes?.length === 0;

// ---- the hash chain -------------------------------------------------------------------------

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  !(value instanceof Uint8Array);

/**
 * Where the adapter keeps an event's chain hash (`event-hash.ts`): inside the stored metadata,
 * because KurrentDB records have no other field to spare. Stripped on read, so `metadata` is what
 * the caller wrote and the digest covers exactly that; callers may not use the key themselves.
 */
export const HASH_METADATA_KEY = '$custodia.hash';

const HEX_HASH = /^[0-9a-f]{64}$/;

/** The chain hash stored with a record, or undefined (written before the chain, or not ours). */
export const storedHash = (record: KurrentRecordedEvent | undefined): string | undefined => {
  const metadata: unknown = record?.metadata;
  if (!isPlainObject(metadata)) return undefined;
  const hash = metadata[HASH_METADATA_KEY];
  return typeof hash === 'string' && HEX_HASH.test(hash) ? hash : undefined;
};

/** The caller's metadata with the hash under the reserved key, as the adapter stores it. */
export const withHash = (
  metadata: Readonly<Record<string, unknown>>,
  hash: string,
): Record<string, unknown> => ({ ...metadata, [HASH_METADATA_KEY]: hash });

const withoutHash = (metadata: Record<string, unknown>): Record<string, unknown> => {
  if (!(HASH_METADATA_KEY in metadata)) return metadata;
  const { [HASH_METADATA_KEY]: _hash, ...rest } = metadata;
  return rest;
};

// ---- events ---------------------------------------------------------------------------------

/**
 * A stored record as the port's `RecordedEvent`, or undefined when it is not one of ours: system
 * events, binary payloads or JSON that is not an object (another application on the same server).
 * The chain hash moves from the metadata to `hash`.
 */
export const toRecordedEvent = (
  record: KurrentRecordedEvent | undefined,
): RecordedEvent | undefined => {
  if (record === undefined || isSystemEvent(record)) return undefined;
  if (!record.isJson || !isPlainObject(record.data)) return undefined;
  // Servers before 22.6 do not return positions on stream reads; the port needs them.
  if (record.position === undefined)
    throw new EventStoreError(
      'EVENT_STORE.UNAVAILABLE',
      'KurrentDB returned an event without its log position (EventStoreDB 22.6 or later needed)',
    );
  const hash = storedHash(record);
  return {
    id: record.id,
    streamId: record.streamId,
    type: record.type,
    revision: toRevision(record.revision),
    position: encodePosition(record.position),
    data: record.data,
    metadata: isPlainObject(record.metadata) ? withoutHash(record.metadata) : {},
    recordedAt: record.created,
    ...(hash === undefined ? {} : { hash }),
  };
};
