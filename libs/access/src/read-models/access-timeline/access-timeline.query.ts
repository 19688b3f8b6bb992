import type { DataSource } from 'typeorm';
import type { FieldDisclosure } from '../../access.events';
import { AccessQueryError } from '../access-query.errors';
import type { AccessTimelineKind } from './access-timeline.projection';

/** One access to one customer (or to none: an export, a refusal without a customer). */
export type AccessTimelineEntry = {
  readonly eventId: string;
  readonly kind: AccessTimelineKind;
  readonly actorId: string;
  readonly purpose: string | null;
  readonly customerId: string | null;
  readonly fields: readonly FieldDisclosure[];
  readonly rowCount: number | null;
  readonly watermark: string | null;
  /** Why a request was refused (denials only); a reveal's own reason is never here. */
  readonly reason: string | null;
  readonly requestId: string;
  readonly route: string;
  readonly underNotice: boolean;
  readonly occurredAt: string;
  readonly recordedAt: string;
};

export type AccessTimelineOptions = {
  /** Inclusive. */
  readonly from?: Date;
  /** Exclusive. */
  readonly to?: Date;
  /** `nextCursor` of the previous page. */
  readonly cursor?: string;
  /** 1 to 500. */
  readonly limit: number;
};

export type AccessTimelinePage = {
  readonly entries: AccessTimelineEntry[];
  /** Null on the last page. */
  readonly nextCursor: string | null;
};

/** What one user accessed: counts, field names and customer ids, never a personal value. */
export type AccessReport = {
  readonly actorId: string;
  readonly since: string | null;
  /** Distinct customers in responses the user received. */
  readonly viewedCustomers: number;
  /** Responses that carried customer data (one list page counts once). */
  readonly views: number;
  readonly reveals: {
    readonly count: number;
    readonly byField: Readonly<Record<string, number>>;
    /** Distinct customers whose values were revealed, in id order (at most 1000). */
    readonly customerIds: readonly string[];
  };
  readonly exports: {
    readonly count: number;
    readonly rows: number;
    /** Watermarks of the files, oldest first. */
    readonly watermarks: readonly string[];
  };
  readonly denials: number;
  readonly underNotice: number;
  readonly firstAt: string | null;
  readonly lastAt: string | null;
};

type Row = {
  event_id: string;
  ordinal: number;
  kind: AccessTimelineKind;
  actor_id: string;
  purpose: string | null;
  customer_id: string | null;
  fields: FieldDisclosure[];
  row_count: number | null;
  watermark: string | null;
  reason: string | null;
  request_id: string;
  route: string;
  under_notice: boolean;
  occurred_at: Date;
  recorded_at: Date;
};

export const MAX_LIMIT = 500;
const MAX_REVEALED_IDS = 1000;
// byActor, byCustomer and the report list accesses only; changes are read with the audit search.
const ACCESS_KINDS_SQL = `('viewed', 'revealed', 'exported', 'denied')`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export type Keyset = readonly [occurredAt: string, eventId: string, ordinal: number];

export const encodeCursor = (row: Pick<Row, 'occurred_at' | 'event_id' | 'ordinal'>): string =>
  Buffer.from(`${row.occurred_at.toISOString()}|${row.event_id}|${row.ordinal}`).toString(
    'base64url',
  );

export const decodeCursor = (cursor: string): Keyset => {
  const [occurredAt = '', eventId = '', ordinal = ''] = Buffer.from(cursor, 'base64url')
    .toString()
    .split('|');
  if (!UUID.test(eventId) || !/^\d{1,9}$/.test(ordinal) || Number.isNaN(Date.parse(occurredAt)))
    throw new AccessQueryError(
      'ACCESS.INVALID_CURSOR',
      'cursor: not a cursor from this list',
      'cursor',
    );
  return [occurredAt, eventId, Number(ordinal)];
};

const checkOptions = ({ from, to, limit }: AccessTimelineOptions): void => {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
    throw new AccessQueryError(
      'ACCESS.INVALID_FILTER',
      `limit: an integer from 1 to ${MAX_LIMIT}`,
      'limit',
    );
  for (const [name, value] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (value !== undefined && Number.isNaN(value.getTime()))
      throw new AccessQueryError('ACCESS.INVALID_FILTER', `${name}: not a valid time`, name);
  }
};

const toEntry = (row: Row): AccessTimelineEntry => ({
  eventId: row.event_id,
  kind: row.kind,
  actorId: row.actor_id,
  purpose: row.purpose,
  customerId: row.customer_id,
  fields: row.fields,
  rowCount: row.row_count,
  watermark: row.watermark,
  reason: row.reason,
  requestId: row.request_id,
  route: row.route,
  underNotice: row.under_notice,
  occurredAt: row.occurred_at.toISOString(),
  recordedAt: row.recorded_at.toISOString(),
});

/** Reads of the `access-timeline` read model. Eventually consistent (a projection). */
export class AccessTimelineQueries {
  constructor(private readonly db: Pick<DataSource, 'query'>) {}

  /** What one user accessed, newest first. */
  byActor(actorId: string, options: AccessTimelineOptions): Promise<AccessTimelinePage> {
    return this.page('actor_id', actorId, options);
  }

  /** Who accessed one customer, newest first. */
  byCustomer(customerId: string, options: AccessTimelineOptions): Promise<AccessTimelinePage> {
    return this.page('customer_id', customerId, options);
  }

  /** The pre-departure report: what `actorId` saw, revealed and exported (since `since`). */
  async accessReport(actorId: string, { since }: { since?: Date } = {}): Promise<AccessReport> {
    if (since !== undefined && Number.isNaN(since.getTime()))
      throw new AccessQueryError('ACCESS.INVALID_FILTER', 'since: not a valid time', 'since');
    const parameters = [actorId, since ?? null];
    // Accesses only: the changes the user made are in the audit timeline, not in this report.
    const scope = `actor_id = $1 AND ($2::timestamptz IS NULL OR occurred_at >= $2)
      AND kind IN ${ACCESS_KINDS_SQL}`;
    const [totals]: {
      viewed_customers: number;
      views: number;
      reveals: number;
      exports: number;
      export_rows: number;
      denials: number;
      under_notice: number;
      first_at: Date | null;
      last_at: Date | null;
    }[] = await this.db.query(
      `SELECT count(DISTINCT customer_id) FILTER (WHERE kind = 'viewed')::int AS viewed_customers,
              count(DISTINCT event_id) FILTER (WHERE kind = 'viewed')::int   AS views,
              count(*) FILTER (WHERE kind = 'revealed')::int                  AS reveals,
              count(*) FILTER (WHERE kind = 'exported')::int                  AS exports,
              coalesce(sum(row_count) FILTER (WHERE kind = 'exported'), 0)::int AS export_rows,
              count(DISTINCT event_id) FILTER (WHERE kind = 'denied')::int    AS denials,
              count(DISTINCT event_id) FILTER (WHERE under_notice)::int       AS under_notice,
              min(occurred_at) AS first_at,
              max(occurred_at) AS last_at
         FROM access_timeline WHERE ${scope}`,
      parameters,
    );
    const byField: { field: string; count: number }[] = await this.db.query(
      `SELECT disclosed.field, count(*)::int AS count
         FROM access_timeline, jsonb_to_recordset(fields) AS disclosed (field text)
        WHERE ${scope} AND kind = 'revealed'
        GROUP BY disclosed.field ORDER BY disclosed.field`,
      parameters,
    );
    const revealed: { customer_id: string }[] = await this.db.query(
      `SELECT DISTINCT customer_id FROM access_timeline
        WHERE ${scope} AND kind = 'revealed' AND customer_id IS NOT NULL
        ORDER BY customer_id LIMIT ${MAX_REVEALED_IDS}`,
      parameters,
    );
    const watermarks: { watermark: string }[] = await this.db.query(
      `SELECT watermark FROM access_timeline
        WHERE ${scope} AND kind = 'exported' AND watermark IS NOT NULL
        ORDER BY occurred_at, event_id`,
      parameters,
    );
    return {
      actorId,
      since: since?.toISOString() ?? null,
      viewedCustomers: totals?.viewed_customers ?? 0,
      views: totals?.views ?? 0,
      reveals: {
        count: totals?.reveals ?? 0,
        byField: Object.fromEntries(byField.map(({ field, count }) => [field, count])),
        customerIds: revealed.map((row) => row.customer_id),
      },
      exports: {
        count: totals?.exports ?? 0,
        rows: totals?.export_rows ?? 0,
        watermarks: watermarks.map((row) => row.watermark),
      },
      denials: totals?.denials ?? 0,
      underNotice: totals?.under_notice ?? 0,
      firstAt: totals?.first_at?.toISOString() ?? null,
      lastAt: totals?.last_at?.toISOString() ?? null,
    };
  }

  private async page(
    column: 'actor_id' | 'customer_id',
    id: string,
    options: AccessTimelineOptions,
  ): Promise<AccessTimelinePage> {
    checkOptions(options);
    const { from, to, cursor, limit } = options;
    const [afterTime, afterId, afterOrdinal] =
      cursor === undefined ? [null, null, null] : decodeCursor(cursor);
    const rows: Row[] = await this.db.query(
      `SELECT event_id, ordinal, kind, actor_id, purpose, customer_id, fields, row_count,
              watermark, reason, request_id, route, under_notice, occurred_at, recorded_at
         FROM access_timeline
        WHERE ${column} = $1 AND kind IN ${ACCESS_KINDS_SQL}
          AND ($2::timestamptz IS NULL OR occurred_at >= $2)
          AND ($3::timestamptz IS NULL OR occurred_at < $3)
          AND ($4::timestamptz IS NULL
               OR (occurred_at, event_id, ordinal) < ($4, $5::uuid, $6::int))
        ORDER BY occurred_at DESC, event_id DESC, ordinal DESC
        LIMIT $7`,
      [id, from ?? null, to ?? null, afterTime, afterId, afterOrdinal, limit + 1],
    );
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      entries: page.map(toEntry),
      nextCursor: rows.length > limit && last !== undefined ? encodeCursor(last) : null,
    };
  }
}
