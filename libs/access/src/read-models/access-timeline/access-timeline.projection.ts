import type { RecordedEvent } from '@custodia/event-store';
import type { Projection } from '@custodia/read-store';
import type { EntityManager } from 'typeorm';
import { type AccessEvent, accessEventTypes, type FieldDisclosure } from '../../access.events';
import {
  type ChangeEntry,
  changeEntryOf,
  changeEventTypes,
  type ChangeKind,
} from './access-timeline.changes';

/** Reads, reveals, exports and refusals: the accesses. */
export type AccessTimelineKind = 'viewed' | 'revealed' | 'exported' | 'denied';
export const accessTimelineKinds: readonly AccessTimelineKind[] = [
  'viewed',
  'revealed',
  'exported',
  'denied',
];

/** Every kind of the timeline: the accesses and the changes. */
export type TimelineKind = AccessTimelineKind | ChangeKind;

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

const INSERT = `INSERT INTO access_timeline
    (event_id, ordinal, actor_id, actor_roles, kind, purpose, customer_id, fields, row_count,
     watermark, reason, request_id, route, under_notice, detail, occurred_at, recorded_at)
  SELECT $1, customer.ordinal - 1, $2, $3, $4, $5, customer.id, $7::jsonb, $8, $9, $10, $11, $12,
         $13, $14::jsonb, $15, $16
    FROM unnest($6::text[]) WITH ORDINALITY AS customer (id, ordinal)
  ON CONFLICT (event_id, ordinal) DO NOTHING`;

const accessRow = (event: RecordedEvent): unknown[] => {
  const access = event as unknown as AccessEvent;
  const { actorId, roles, requestId, route, underNotice } = access.data;
  const entry = entryOf(access);
  return [
    event.id,
    actorId,
    roles,
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
    null,
    entry.occurredAt,
    event.recordedAt,
  ];
};

const changeRow = (event: RecordedEvent, change: ChangeEntry): unknown[] => [
  event.id,
  change.actorId,
  null,
  change.kind,
  change.purpose,
  [change.customerId],
  JSON.stringify(change.fields.map(({ field, change: how }) => ({ field, change: how }))),
  null,
  null,
  null,
  change.requestId,
  null,
  null,
  JSON.stringify(change.detail),
  change.occurredAt,
  event.recordedAt,
];

const isAccessEvent = (event: RecordedEvent): boolean =>
  (accessEventTypes as readonly string[]).includes(event.type);

/**
 * Who accessed which customer, when, for which purpose, through which route, and who changed
 * what of it (field names, consents, owner, correction, erasure): the audit timeline per actor,
 * per customer, per purpose and time, and the pre-departure access report. One row per event
 * and customer, keyed by event id and the customer's place in the event, so a replay adds
 * nothing. Never a personal value: no reveal reason, no consent evidence, no field value.
 */
export const accessTimelineProjection: Projection = {
  name: 'access-timeline',
  // 2: changes to customers are recorded too (a rebuild from zero picks up the past ones).
  version: 2,
  handles: [...accessEventTypes, ...changeEventTypes],
  async apply(event: RecordedEvent, manager: EntityManager): Promise<void> {
    if (isAccessEvent(event)) {
      // One statement however many customers a list view carried.
      await manager.query(INSERT, accessRow(event));
      return;
    }
    const change = changeEntryOf(event);
    if (change !== undefined) await manager.query(INSERT, changeRow(event, change));
  },
  async reset(manager: EntityManager): Promise<void> {
    await manager.query(`TRUNCATE access_timeline`);
  },
};
