import type { AccessTimelineSearch, ActualAccess } from '@custodia/access';
import type { FieldName, LawfulBasis, PurposeCatalog } from '@custodia/consent';
import { customerStreamId } from '@custodia/customers';
import type { EventStore, Position, RecordedEvent } from '@custodia/event-store';
import { USER_STREAM_PREFIX } from '@custodia/identity';
import { actorAsOf, customerAsOf } from './exposure-replay';
import { exposureOfUser, type UserExposure } from './exposure.policy';

/** Who could see which fields of one customer at one moment, and who actually did. */
export type ExposureReport = {
  readonly customerId: string;
  readonly at: string;
  readonly registered: boolean;
  /** Erased by then: nobody could see anything (every route answers 410). */
  readonly erased: boolean;
  readonly erasedAt: string | null;
  readonly ownerId: string | null;
  readonly team: string | null;
  readonly activeBases: readonly {
    readonly purpose: string;
    readonly lawfulBasis: LawfulBasis;
    readonly separate: boolean;
    readonly since: string;
  }[];
  /** Field names held for the customer then (never a value). */
  readonly fieldsHeld: readonly FieldName[];
  /** Users who could see at least one field, by user id. */
  readonly users: readonly UserExposure[];
  /** Who viewed or revealed the customer up to `at`, per actor, kind and purpose. */
  readonly actualAccesses: readonly ActualAccess[];
};

// User events per readAll page: the whole directory is read, a page at a time.
const USER_PAGE = 1000;

/**
 * Replays "who could see this customer at `at`" from the log: every user's stream and the
 * customer's stream folded up to `at`, judged by the live policy (`exposure.policy.ts`), plus
 * the access timeline up to `at`. Reads only ids, roles, teams, purposes and field names.
 */
export class CustomerExposure {
  constructor(
    private readonly deps: {
      readonly store: EventStore;
      readonly timeline: AccessTimelineSearch;
      readonly catalog: PurposeCatalog;
    },
  ) {}

  /** Undefined when the customer has no stream at all. */
  async asOf(customerId: string, at: Date): Promise<ExposureReport | undefined> {
    const { store, timeline, catalog } = this.deps;
    const events = await store.readStream(customerStreamId(customerId));
    if (events.length === 0) return undefined;
    const customer = customerAsOf(customerId, events, at);
    const erased = customer.erasedAt !== null;
    const users: UserExposure[] = [];
    if (customer.registered && !erased) {
      for (const userEvents of (await this.userStreams()).values()) {
        const actor = actorAsOf(userEvents, at);
        const exposure = actor === undefined ? undefined : exposureOfUser(actor, customer, catalog);
        if (exposure !== undefined) users.push(exposure);
      }
      users.sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
    }
    return {
      customerId,
      at: at.toISOString(),
      registered: customer.registered,
      erased,
      erasedAt: customer.erasedAt,
      ownerId: customer.ownerId,
      team: customer.team,
      activeBases: [...customer.consent.active.values()]
        .map(({ purpose, lawfulBasis, separate, since }) => ({
          purpose,
          lawfulBasis,
          separate,
          since,
        }))
        .sort((a, b) => a.purpose.localeCompare(b.purpose)),
      fieldsHeld: customer.fieldsHeld,
      users,
      actualAccesses: await timeline.actualAccesses(customerId, at),
    };
  }

  /**
   * Every `User-*` stream's events, by stream. A one-shot scan of the committed log (`committed:
   * true`: an event held back behind some unrelated open transaction is not missed).
   */
  private async userStreams(): Promise<Map<string, RecordedEvent[]>> {
    const streams = new Map<string, RecordedEvent[]>();
    let from: Position | undefined;
    for (;;) {
      const page = await this.deps.store.readAll({
        ...(from === undefined ? {} : { from }),
        maxCount: USER_PAGE,
        filter: { streamPrefixes: [USER_STREAM_PREFIX] },
        committed: true,
      });
      for (const event of page) {
        const stream = streams.get(event.streamId) ?? [];
        stream.push(event);
        streams.set(event.streamId, stream);
      }
      if (page.length < USER_PAGE) break;
      from = page.at(-1)?.position;
    }
    // Stream order is revision order, whatever order the global log delivered.
    for (const stream of streams.values()) stream.sort((a, b) => a.revision - b.revision);
    return streams;
  }
}
