import type { EventMetadata, EventStore, NewEvent } from '@custodia/event-store';
import { GroupCommit, type ItemOutcome, newId } from '@custodia/platform';
import { type AccessEvent, accessLogStreamId } from '../access.events';
import { AccessLogUnavailable } from './access-log.errors';

export type AccessRecorderOptions = {
  /** The encrypting store in production: a reveal's `reason` is personal and must be sealed. */
  readonly store: EventStore;
  /** This API process: its access events go to `AccessLog-<instanceId>`, one writer per stream. */
  readonly instanceId: string;
  /** Most events in one append. Default 1000. */
  readonly maxBatch?: number;
};

export type RecordedAccess = { readonly eventId: string };

type AccessLogEntry = NewEvent & { readonly id: string };

/** Ids only: the caller's metadata is not copied, so nothing personal can slip in through it. */
const metadataOf = (event: AccessEvent): EventMetadata => ({
  actorId: event.data.actorId,
  correlationId: event.data.requestId,
});

/**
 * Appends access events before data leaves the server (fail closed). Concurrent requests share
 * one append (group commit): while one batch is being written, later events queue for the next.
 * If the append fails, every event of that batch is rejected with AccessLogUnavailable.
 */
export class AccessRecorder {
  private readonly streamId: string;
  private readonly group: GroupCommit<AccessLogEntry, RecordedAccess>;

  constructor(private readonly options: AccessRecorderOptions) {
    this.streamId = accessLogStreamId(options.instanceId);
    this.group = new GroupCommit((events) => this.commit(events), {
      maxBatch: options.maxBatch ?? 1_000,
    });
  }

  /** Resolves once the event is durably in the log; only then may the response be sent. */
  async record(event: AccessEvent): Promise<RecordedAccess> {
    return this.group.submit({
      id: newId(),
      type: event.type,
      data: event.data,
      metadata: metadataOf(event),
    });
  }

  private async commit(events: readonly AccessLogEntry[]): Promise<ItemOutcome<RecordedAccess>[]> {
    try {
      // One writer per stream, so 'any' never loses a race it should have won.
      await this.options.store.append(this.streamId, events, { expectedRevision: 'any' });
    } catch (error) {
      throw new AccessLogUnavailable({ cause: error });
    }
    return events.map((event) => ({ ok: true, value: { eventId: event.id } }));
  }
}
