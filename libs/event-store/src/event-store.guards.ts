import { randomUUID } from 'node:crypto';
import { EventStoreError, WrongExpectedRevision } from './event-store.errors';
import type {
  AllFilter,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
} from './event-store.port';

/**
 * Argument checks and revision rules shared by every adapter, so they agree on the edge cases
 * the contract suite pins down. Messages name the rule, never event data.
 */

const invalid = (message: string): EventStoreError =>
  new EventStoreError('EVENT_STORE.INVALID_ARGUMENT', message);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const isNonNegativeInteger = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/** An event ready to store: id assigned, metadata defaulted. */
export type PreparedEvent = {
  readonly id: string;
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly metadata: Record<string, unknown>;
};

export const prepareAppend = (
  streamId: string,
  events: readonly NewEvent[],
  expected: ExpectedRevision,
): PreparedEvent[] => {
  if (typeof streamId !== 'string' || streamId.length === 0 || streamId.startsWith('$'))
    throw invalid('streamId must be a non-empty string not starting with "$"');
  if (events.length === 0) throw invalid('append needs at least one event');
  if (
    expected !== 'any' &&
    expected !== 'no_stream' &&
    expected !== 'exists' &&
    !isNonNegativeInteger(expected)
  )
    throw invalid('expectedRevision must be any, no_stream, exists or an integer >= 0');
  const prepared = events.map((event, index) => {
    if (typeof event.type !== 'string' || event.type.length === 0)
      throw invalid(`event ${index}: type must be a non-empty string`);
    if (event.id !== undefined && !UUID.test(event.id))
      throw invalid(`event ${index}: id must be a UUID`);
    if (typeof event.data !== 'object' || event.data === null || Array.isArray(event.data))
      throw invalid(`event ${index}: data must be an object`);
    return {
      id: (event.id ?? randomUUID()).toLowerCase(),
      type: event.type,
      data: event.data,
      metadata: { ...event.metadata },
    };
  });
  if (new Set(prepared.map((event) => event.id)).size !== prepared.length)
    throw invalid('event ids must be unique within one append');
  return prepared;
};

/** Throws unless a stream whose last revision is `actual` (-1: no stream) satisfies `expected`. */
export const checkExpectedRevision = (
  streamId: string,
  expected: ExpectedRevision,
  actual: number,
): void => {
  const ok =
    expected === 'any' ||
    (expected === 'no_stream' && actual === -1) ||
    (expected === 'exists' && actual >= 0) ||
    expected === actual;
  if (!ok) throw new WrongExpectedRevision(streamId, expected, actual);
};

/** Same batch (ids, in order) already stored in this stream: the append is a retry. */
export const duplicateEventId = (): EventStoreError =>
  new EventStoreError(
    'EVENT_STORE.DUPLICATE_EVENT_ID',
    'event ids already used by a different append',
  );

export const checkReadStreamOptions = (options: ReadStreamOptions): void => {
  if (options.direction !== undefined && !['forwards', 'backwards'].includes(options.direction))
    throw invalid('direction must be forwards or backwards');
  if (options.fromRevision !== undefined && !isNonNegativeInteger(options.fromRevision))
    throw invalid('fromRevision must be an integer >= 0');
  checkMaxCount(options.maxCount);
};

export const checkReadAllOptions = (options: ReadAllOptions): void => {
  checkMaxCount(options.maxCount);
  const filter = options.filter;
  if (filter?.eventTypes?.some((type) => typeof type !== 'string'))
    throw invalid('filter.eventTypes must be strings');
  if (filter?.streamPrefixes?.some((prefix) => typeof prefix !== 'string'))
    throw invalid('filter.streamPrefixes must be strings');
};

const checkMaxCount = (maxCount: number | undefined): void => {
  if (maxCount !== undefined && !(isNonNegativeInteger(maxCount) && maxCount > 0))
    throw invalid('maxCount must be an integer > 0');
};

/** An empty list in a filter matches nothing; an absent list matches everything. */
export const matchesFilter = (
  filter: AllFilter | undefined,
  event: { readonly streamId: string; readonly type: string },
): boolean =>
  (filter?.eventTypes === undefined || filter.eventTypes.includes(event.type)) &&
  (filter?.streamPrefixes === undefined ||
    filter.streamPrefixes.some((prefix) => event.streamId.startsWith(prefix)));
