import type { RecordedEvent } from '@custodia/event-store';
import type { Projection } from '@custodia/read-store';
import type { EntityManager } from 'typeorm';
import { type AccessEvent, accessEventTypes, type FieldDisclosure } from '../../access.events';

export type AccessTimelineKind = 'viewed' | 'revealed' | 'exported' | 'denied';

/** What the rows of one event share; they differ by customer only. */
type TimelineEntry = {
  readonly kind: AccessTimelineKind;
  readonly purpose: string | null;
  /** One row per customer; `[null]` for an event that names none. */
  readonly customerIds: readonly (string | null)[];
  readonly fields: readonly FieldDisclosure[];
  readonly rowCount: number | null;
  readonly watermark: string | null;
  readonly reason: string | null;
  readonly occurredAt: string;
};

const NONE = { rowCount: null, watermark: null, reason: null } as const;

const entryOf = (event: AccessEvent): TimelineEntry => {
  switch (event.type) {
    case 'CustomerDataAccessed': {
      const { purpose, fields, accessedAt, customerIds } = event.data;
      return {
        ...NONE,
        kind: 'viewed',
        purpose,
        customerIds: customerIds.length === 0 ? [null] : customerIds,
        fields,
        occurredAt: accessedAt,
      };
    }
    case 'PersonalDataRevealed': {
      // The reason is free text about the customer (personal): deliberately not projected.
      const { purpose, customerId, fields, revealedAt } = event.data;
      return {
        ...NONE,
        kind: 'revealed',
        purpose,
        customerIds: [customerId],
        fields: fields.map((field) => ({ field, view: 'full' })),
        occurredAt: revealedAt,
      };
    }
    case 'CustomerDataExported': {
      const { purpose, fields, rowCount, watermark, exportedAt } = event.data;
      return {
        kind: 'exported',
        purpose,
        customerIds: [null],
        fields,
        rowCount,
        watermark,
        reason: null,
        occurredAt: exportedAt,
      };
    }
    case 'AccessDenied': {
      const { purpose, customerId, reason, deniedAt } = event.data;
      return {
        ...NONE,
        kind: 'denied',
        purpose,
        customerIds: [customerId],
        fields: [],
        reason,
        occurredAt: deniedAt,
      };
    }
    default: {
      const unexpected: never = event;
      return unexpected;
    }
  }
};

/**
 * Who accessed which customer, when, for which purpose, through which route: the audit timeline
 * per actor and per customer, and the pre-departure access report. One row per event and
 * customer, keyed by event id and the customer's place in the event, so a replay adds nothing.
 */
export const accessTimelineProjection: Projection = {
  name: 'access-timeline',
  version: 1,
  handles: accessEventTypes,
  async apply(event: RecordedEvent, manager: EntityManager): Promise<void> {
    const access = event as unknown as AccessEvent;
    const { actorId, requestId, route, underNotice } = access.data;
    const entry = entryOf(access);
    // One statement however many customers a list view carried.
    await manager.query(
      `INSERT INTO access_timeline
         (event_id, ordinal, actor_id, kind, purpose, customer_id, fields, row_count, watermark,
          reason, request_id, route, under_notice, occurred_at, recorded_at)
       SELECT $1, customer.ordinal - 1, $2, $3, $4, customer.id, $6::jsonb, $7, $8, $9, $10, $11,
              $12, $13, $14
         FROM unnest($5::text[]) WITH ORDINALITY AS customer (id, ordinal)
       ON CONFLICT (event_id, ordinal) DO NOTHING`,
      [
        event.id,
        actorId,
        entry.kind,
        entry.purpose,
        entry.customerIds,
        JSON.stringify(entry.fields.map(({ field, view }) => ({ field, view }))),
        entry.rowCount,
        entry.watermark,
        entry.reason,
        requestId,
        route,
        underNotice,
        entry.occurredAt,
        event.recordedAt,
      ],
    );
  },
  async reset(manager: EntityManager): Promise<void> {
    await manager.query(`TRUNCATE access_timeline`);
  },
};
