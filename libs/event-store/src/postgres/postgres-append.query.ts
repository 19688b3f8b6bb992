import { eventDigest } from '../event-hash';
import { EventStoreError } from '../event-store.errors';
import { type PreparedEvent, prepareAppend } from '../event-store.guards';
import type { ExpectedRevision, NewEvent } from '../event-store.port';
import { APPEND_EVENTS, APPEND_ONE_EVENT } from './postgres-event-store.sql';

export type AppendQuery = {
  readonly text: string;
  readonly values: unknown[];
  readonly events: readonly PreparedEvent[];
};

const json = (value: unknown, index: number): string => {
  try {
    return JSON.stringify(value);
  } catch {
    throw new EventStoreError(
      'EVENT_STORE.INVALID_ARGUMENT',
      `event ${index}: data and metadata must be JSON-serialisable`,
    );
  }
};

/** Checks the arguments and builds APPEND_EVENTS with one array per column. */
export const appendQuery = (
  streamId: string,
  events: readonly NewEvent[],
  expected: ExpectedRevision,
): AppendQuery => {
  const prepared = prepareAppend(streamId, events, expected);
  const isNumber = typeof expected === 'number';
  const expectation = [streamId, isNumber ? 'revision' : expected, isNumber ? expected : null];
  const digest = (event: PreparedEvent): Buffer =>
    eventDigest({
      streamId,
      id: event.id,
      type: event.type,
      data: event.data,
      metadata: event.metadata,
    });
  const [only] = prepared;
  if (prepared.length === 1 && only !== undefined) {
    return {
      text: APPEND_ONE_EVENT,
      values: [
        ...expectation,
        only.id,
        only.type,
        json(only.data, 0),
        json(only.metadata, 0),
        digest(only),
      ],
      events: prepared,
    };
  }
  return {
    text: APPEND_EVENTS,
    values: [
      ...expectation,
      prepared.map((event) => event.id),
      prepared.map((event) => event.type),
      prepared.map((event, index) => json(event.data, index)),
      prepared.map((event, index) => json(event.metadata, index)),
      prepared.map(digest),
    ],
    events: prepared,
  };
};
