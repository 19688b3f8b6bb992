import { eventDigest } from '../event-hash';
import { EventStoreError } from '../event-store.errors';
import { type PreparedEvent, prepareAppend } from '../event-store.guards';
import type { ExpectedRevision, NewEvent } from '../event-store.port';
import { APPEND_EVENTS } from './postgres-event-store.sql';

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
  return {
    text: APPEND_EVENTS,
    values: [
      streamId,
      isNumber ? 'revision' : expected,
      isNumber ? expected : null,
      prepared.map((event) => event.id),
      prepared.map((event) => event.type),
      prepared.map((event, index) => json(event.data, index)),
      prepared.map((event, index) => json(event.metadata, index)),
      prepared.map((event) =>
        eventDigest({
          streamId,
          id: event.id,
          type: event.type,
          data: event.data,
          metadata: event.metadata,
        }),
      ),
    ],
    events: prepared,
  };
};
