import { Inject, Injectable } from '@nestjs/common';
import {
  EVENT_STORE,
  type EventStore,
  type NewEvent,
  type RecordedEvent,
  WrongExpectedRevision,
} from '@custodia/event-store';
import { fold, newId } from '@custodia/platform';
import type { UserCommand } from './identity.commands';
import { USER_EVENT_TYPES, type UserEvent, userStreamId } from './identity.events';
import { userDecider, type UserState } from './user.decider';

export type LoadedUser = {
  readonly state: UserState;
  /** Revision of the stream's last event; undefined when the stream does not exist. */
  readonly revision: number | undefined;
};

// A conflict means someone else wrote first: decide again on their result, a few times at most.
const MAX_ATTEMPTS = 3;

const isUserEvent = (event: RecordedEvent): boolean =>
  (USER_EVENT_TYPES as readonly string[]).includes(event.type);

/**
 * A user's current state, folded from the `User-<id>` stream. Reads the log itself, never a read
 * model, so a notice or a role change counts from the very next request.
 */
export const loadUser = async (store: EventStore, userId: string): Promise<LoadedUser> => {
  const recorded = await store.readStream(userStreamId(userId));
  const events = recorded.filter(isUserEvent) as unknown as UserEvent[];
  return { state: fold(userDecider, events), revision: recorded.at(-1)?.revision };
};

/** Loads, decides and appends a user's events with optimistic concurrency. */
@Injectable()
export class UserRepository {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  load(userId: string): Promise<LoadedUser> {
    return loadUser(this.store, userId);
  }

  /**
   * Runs `command` against the stream as it is now; `check` (an authorisation rule) sees the same
   * state the decision is made on. Returns the events appended (none when nothing changed).
   */
  async execute(
    command: UserCommand,
    check: (state: UserState) => void = () => undefined,
  ): Promise<UserEvent[]> {
    const { userId } = command.data;
    for (let attempt = 1; ; attempt += 1) {
      const { state, revision } = await this.load(userId);
      check(state);
      const events = userDecider.decide(command, state);
      if (events.length === 0) return events;
      const metadata = {
        actorId: command.metadata.actorId,
        now: command.metadata.now,
        ...(command.metadata.correlationId === undefined
          ? {}
          : { correlationId: command.metadata.correlationId }),
      };
      const toAppend: NewEvent[] = events.map((event) => ({
        id: newId(),
        type: event.type,
        data: event.data,
        metadata,
      }));
      try {
        await this.store.append(userStreamId(userId), toAppend, {
          expectedRevision: revision ?? 'no_stream',
        });
        return events;
      } catch (error) {
        if (!(error instanceof WrongExpectedRevision) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }
}
