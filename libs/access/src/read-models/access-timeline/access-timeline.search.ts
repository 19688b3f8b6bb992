import type { FieldName } from '@custodia/consent';
import type { DataSource } from 'typeorm';
import type { FieldDisclosure } from '../../access.events';
import { AccessQueryError } from '../access-query.errors';
import { type ChangeDetail, type FieldChange, changeKinds } from './access-timeline.changes';
import { accessTimelineKinds, type TimelineKind } from './access-timeline.projection';
import { decodeCursor, encodeCursor, MAX_LIMIT } from './access-timeline.query';

/** Every kind the timeline holds, accesses first. */
export const timelineKinds: readonly TimelineKind[] = [...accessTimelineKinds, ...changeKinds];

export const isTimelineKind = (value: string): value is TimelineKind =>
  (timelineKinds as readonly string[]).includes(value);

/** Which entries: every condition given must hold (none given: the whole timeline). */
export type AuditTimelineFilter = {
  readonly customerId?: string;
  readonly actorId?: string;
  readonly purpose?: string;
  readonly kinds?: readonly TimelineKind[];
  /** Inclusive. */
  readonly from?: Date;
  /** Exclusive. */
  readonly to?: Date;
};

/** One access to, or change of, one customer: ids, roles, purposes, field names and flags only. */
export type AuditTimelineEntry = {
  readonly eventId: string;
  readonly category: 'access' | 'change';
  readonly kind: TimelineKind;
  readonly actorId: string;
  /** The actor's roles when they accessed; null for a change (its event does not say). */
  readonly actorRoles: readonly string[] | null;
  readonly purpose: string | null;
  readonly customerId: string | null;
  /** Accesses: each field and how it was shown (`full` or `masked`); changes: set or removed. */
  readonly fields: readonly (FieldDisclosure | FieldChange)[];
  readonly rowCount: number | null;
  readonly watermark: string | null;
  /** A denial's reason code; never a reveal's own (free-text) reason. */
  readonly denialReason: string | null;
  readonly requestId: string | null;
  readonly route: string | null;
  readonly underNotice: boolean | null;
  /** Changes: ids and codes (owner before and after, channel, lawful basis, request id). */
  readonly detail: ChangeDetail | null;
  readonly occurredAt: string;
  readonly recordedAt: string;
};

export type AuditTimelinePage = {
  readonly entries: AuditTimelineEntry[];
  /** Null on the last page. */
  readonly nextCursor: string | null;
};

/** Who actually accessed a customer up to a time: per actor, kind and purpose. */
export type ActualAccess = {
  readonly actorId: string;
  readonly kind: 'viewed' | 'revealed';
  readonly purpose: string | null;
  readonly count: number;
  readonly fields: readonly { readonly field: FieldName; readonly view: string }[];
  readonly firstAt: string;
  readonly lastAt: string;
};

type Row = {
  event_id: string;
  ordinal: number;
  kind: TimelineKind;
  actor_id: string;
  actor_roles: string[] | null;
  purpose: string | null;
  customer_id: string | null;
  fields: (FieldDisclosure | FieldChange)[];
  row_count: number | null;
  watermark: string | null;
  reason: string | null;
  request_id: string | null;
  route: string | null;
  under_notice: boolean | null;
  detail: ChangeDetail | null;
  occurred_at: Date;
  recorded_at: Date;
};

const COLUMNS = `event_id, ordinal, kind, actor_id, actor_roles, purpose, customer_id, fields,
  row_count, watermark, reason, request_id, route, under_notice, detail, occurred_at, recorded_at`;

const ACCESS = new Set<string>(accessTimelineKinds);

const toEntry = (row: Row): AuditTimelineEntry => ({
  eventId: row.event_id,
  category: ACCESS.has(row.kind) ? 'access' : 'change',
  kind: row.kind,
  actorId: row.actor_id,
  actorRoles: row.actor_roles,
  purpose: row.purpose,
  customerId: row.customer_id,
  fields: row.fields,
  rowCount: row.row_count,
  watermark: row.watermark,
  denialReason: row.kind === 'denied' ? row.reason : null,
  requestId: row.request_id,
  route: row.route,
  underNotice: row.under_notice,
  detail: row.detail,
  occurredAt: row.occurred_at.toISOString(),
  recordedAt: row.recorded_at.toISOString(),
});

const invalid = (parameter: string, rule: string): AccessQueryError =>
  new AccessQueryError('ACCESS.INVALID_FILTER', `${parameter}: ${rule}`, parameter);

const checkFilter = ({ kinds, from, to }: AuditTimelineFilter): void => {
  if (kinds?.some((kind) => !isTimelineKind(kind)))
    throw invalid('kind', `each one of ${timelineKinds.join(', ')}`);
  for (const [name, value] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (value !== undefined && Number.isNaN(value.getTime()))
      throw invalid(name, 'not a valid time');
  }
};

/**
 * The WHERE clause of exactly the conditions given, so the planner sees each one and picks the
 * index that fits (customer, actor, purpose or time; each ends with the keyset columns).
 */
const whereOf = (filter: AuditTimelineFilter, cursor: string | undefined): [string, unknown[]] => {
  const conditions: string[] = [];
  const parameters: unknown[] = [];
  const add = (sql: (placeholder: string) => string, value: unknown): void => {
    parameters.push(value);
    conditions.push(sql(`$${parameters.length}`));
  };
  if (filter.customerId !== undefined) add((p) => `customer_id = ${p}`, filter.customerId);
  if (filter.actorId !== undefined) add((p) => `actor_id = ${p}`, filter.actorId);
  if (filter.purpose !== undefined) add((p) => `purpose = ${p}`, filter.purpose);
  if (filter.kinds !== undefined && filter.kinds.length > 0)
    add((p) => `kind = ANY(${p}::text[])`, [...new Set(filter.kinds)]);
  if (filter.from !== undefined) add((p) => `occurred_at >= ${p}`, filter.from);
  if (filter.to !== undefined) add((p) => `occurred_at < ${p}`, filter.to);
  if (cursor !== undefined) {
    const [occurredAt, eventId, ordinal] = decodeCursor(cursor);
    parameters.push(occurredAt, eventId, ordinal);
    const n = parameters.length;
    conditions.push(
      `(occurred_at, event_id, ordinal) < ($${n - 2}::timestamptz, $${n - 1}::uuid, $${n}::int)`,
    );
  }
  return [conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`, parameters];
};

/** Rows per query while streaming: small enough to hold, large enough to be cheap. */
const STREAM_PAGE = 500;

/** The audit timeline: accesses and changes, filtered any way, newest first. A projection. */
export class AccessTimelineSearch {
  constructor(private readonly db: Pick<DataSource, 'query'>) {}

  /** One page, continued by `nextCursor` (a keyset: no gaps or repeats while rows arrive). */
  async page(
    filter: AuditTimelineFilter,
    options: { readonly cursor?: string; readonly limit: number },
  ): Promise<AuditTimelinePage> {
    const { cursor, limit } = options;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
      throw invalid('limit', `an integer from 1 to ${MAX_LIMIT}`);
    checkFilter(filter);
    const [where, parameters] = whereOf(filter, cursor);
    const rows: Row[] = await this.db.query(
      `SELECT ${COLUMNS} FROM access_timeline ${where}
        ORDER BY occurred_at DESC, event_id DESC, ordinal DESC
        LIMIT ${limit + 1}`,
      parameters,
    );
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      entries: page.map(toEntry),
      nextCursor: rows.length > limit && last !== undefined ? encodeCursor(last) : null,
    };
  }

  /**
   * Every matching entry, page by page as the consumer pulls (nothing read ahead, nothing held
   * but one page). The filter and cursor are checked before the first entry is asked for, so a
   * refusal can still be an error response rather than a broken stream.
   */
  stream(filter: AuditTimelineFilter, cursor?: string): AsyncGenerator<AuditTimelineEntry> {
    checkFilter(filter);
    if (cursor !== undefined) decodeCursor(cursor);
    const pages = async function* (search: AccessTimelineSearch) {
      let next = cursor;
      do {
        const page = await search.page(filter, {
          limit: STREAM_PAGE,
          ...(next === undefined ? {} : { cursor: next }),
        });
        yield* page.entries;
        next = page.nextCursor ?? undefined;
      } while (next !== undefined);
    };
    return pages(this);
  }

  /** Who viewed or revealed `customerId` up to `until` (inclusive), per actor, kind, purpose. */
  async actualAccesses(customerId: string, until: Date): Promise<ActualAccess[]> {
    const rows: {
      actor_id: string;
      kind: 'viewed' | 'revealed';
      purpose: string | null;
      count: number;
      fields: { field: FieldName; view: string }[];
      first_at: Date;
      last_at: Date;
    }[] = await this.db.query(
      `SELECT t.actor_id, t.kind, t.purpose, count(DISTINCT t.event_id)::int AS count,
              coalesce(jsonb_agg(DISTINCT f.value) FILTER (WHERE f.value IS NOT NULL), '[]')
                AS fields,
              min(t.occurred_at) AS first_at, max(t.occurred_at) AS last_at
         FROM access_timeline t
         LEFT JOIN LATERAL jsonb_array_elements(t.fields) AS f (value) ON true
        WHERE t.customer_id = $1 AND t.kind IN ('viewed', 'revealed') AND t.occurred_at <= $2
        GROUP BY t.actor_id, t.kind, t.purpose
        ORDER BY max(t.occurred_at) DESC, t.actor_id, t.kind, t.purpose`,
      [customerId, until],
    );
    return rows.map((row) => ({
      actorId: row.actor_id,
      kind: row.kind,
      purpose: row.purpose,
      count: row.count,
      fields: [...row.fields].sort((a, b) => a.field.localeCompare(b.field)),
      firstAt: row.first_at.toISOString(),
      lastAt: row.last_at.toISOString(),
    }));
  }
}
