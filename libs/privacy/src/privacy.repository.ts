import { Inject, Injectable } from '@nestjs/common';
import {
  EVENT_STORE,
  type EventStore,
  type NewEvent,
  WrongExpectedRevision,
} from '@custodia/event-store';
import { type Decider, fold, newId } from '@custodia/platform';
import type { PrivacyCommandMetadata } from './privacy.commands';

type Event = { readonly type: string; readonly data: object };

// A conflict means someone else wrote first: decide again on their result, a few times at most.
const MAX_ATTEMPTS = 3;

export type Loaded<State> = {
  readonly state: State;
  /** Revision of the stream's last event; undefined when the stream does not exist. */
  readonly revision: number | undefined;
};

/**
 * Reads a stream, folds it with a decider, decides and appends with the revision read (retrying
 * on a conflict). Reads the log, never a read model, so a decision sees every earlier write.
 */
@Injectable()
export class PrivacyRepository {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async load<C, E extends Event, S>(
    streamId: string,
    decider: Decider<C, E, S>,
    eventTypes: readonly string[],
  ): Promise<Loaded<S>> {
    const recorded = await this.store.readStream(streamId);
    const events = recorded.filter((event) => eventTypes.includes(event.type)) as unknown as E[];
    return { state: fold(decider, events), revision: recorded.at(-1)?.revision };
  }

  /** Whether any event exists on `streamId` (e.g. a customer's stream). */
  async exists(streamId: string): Promise<boolean> {
    return (await this.store.readStream(streamId)).length > 0;
  }

  /**
   * Runs `command` on the stream as it is now; `check` sees the same state the decision is made
   * on. Returns the events appended (none when nothing changed).
   */
  async execute<C extends { readonly metadata: PrivacyCommandMetadata }, E extends Event, S>(
    streamId: string,
    decider: Decider<C, E, S>,
    eventTypes: readonly string[],
    command: C,
    check: (state: S) => void = () => undefined,
  ): Promise<E[]> {
    const { actorId, now, correlationId } = command.metadata;
    const metadata = { actorId, now, ...(correlationId === undefined ? {} : { correlationId }) };
    for (let attempt = 1; ; attempt += 1) {
      const { state, revision } = await this.load(streamId, decider, eventTypes);
      check(state);
      const events = decider.decide(command, state);
      if (events.length === 0) return events;
      const toAppend: NewEvent[] = events.map((event) => ({
        id: newId(),
        type: event.type,
        data: event.data as Record<string, unknown>,
        metadata,
      }));
      try {
        await this.store.append(streamId, toAppend, {
          expectedRevision: revision ?? 'no_stream',
        });
        return events;
      } catch (error) {
        if (!(error instanceof WrongExpectedRevision) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }
}
