import type { EntityManager } from 'typeorm';
import { AccessQueryError } from '../access-query.errors';

/** Anything that runs SQL: a DataSource or an EntityManager. */
type Queryable = Pick<EntityManager, 'query'>;

/** A period of the access log: `from` inclusive, `to` exclusive. */
export type AccessWindow = {
  readonly from: Date;
  readonly to: Date;
  /** Only this actor's accesses. */
  readonly actorId?: string;
};

/** One customer whose data left the server in the window: field names and actor ids only. */
export type ExposedCustomer = {
  readonly customerId: string;
  /** Fields the customer's clear values were shown or revealed for, sorted. */
  readonly clear: readonly string[];
  /** Fields shown masked, sorted (a field may be in both). */
  readonly masked: readonly string[];
  readonly actorIds: readonly string[];
};

export type ExposedField = {
  readonly field: string;
  /** Distinct customers, and customer records (one per customer and response), shown clear. */
  readonly clear: { readonly customers: number; readonly records: number };
  readonly masked: { readonly customers: number; readonly records: number };
  /** Export files that carried the field (their rows name no customer here). */
  readonly exports: number;
};

export type ActorActivity = {
  readonly actorId: string;
  /** Responses that carried customer data (a list page counts once). */
  readonly views: number;
  readonly reveals: number;
  readonly exports: number;
  readonly exportedRows: number;
  readonly denials: number;
  /** Distinct customers viewed or revealed. */
  readonly customers: number;
};

export type WindowExport = {
  readonly eventId: string;
  readonly actorId: string;
  readonly purpose: string | null;
  readonly watermark: string | null;
  readonly rowCount: number;
  readonly fields: readonly { readonly field: string; readonly view: string }[];
  readonly occurredAt: string;
};

/**
 * What the access log holds for a window: which customers, which fields, clear or masked, by
 * whom. Counts are exact; `customers` lists at most `maxCustomers` (in id order).
 */
export type AccessScope = {
  readonly customerCount: number;
  readonly customers: readonly ExposedCustomer[];
  readonly customersTruncated: boolean;
  readonly fields: readonly ExposedField[];
  readonly actors: readonly ActorActivity[];
  /** Exports name a filter, not customers: each file, its rows and fields. */
  readonly exports: readonly WindowExport[];
};

/** One line of the period summary: one actor, purpose and field. */
export type FieldAccessSummary = {
  readonly actorId: string;
  readonly purpose: string | null;
  readonly field: string;
  /** Responses (views) that carried the field. */
  readonly views: number;
  /** Customer records disclosed clear (views and reveals) and masked (views). */
  readonly clear: number;
  readonly masked: number;
  readonly reveals: number;
  readonly exports: number;
  /** Rows of the exports that carried the field. */
  readonly rows: number;
};

export type DenialSummary = {
  readonly actorId: string;
  readonly reason: string;
  readonly count: number;
};

const MAX_WINDOW_DAYS = 366;
const DAY = 86_400_000;
const DEFAULT_MAX_CUSTOMERS = 5000;
const MAX_EXPORTS = 1000;

const checkWindow = ({ from, to }: AccessWindow): void => {
  for (const [name, value] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (Number.isNaN(value.getTime()))
      throw new AccessQueryError('ACCESS.INVALID_FILTER', `${name}: not a valid time`, name);
  }
  if (to.getTime() <= from.getTime())
    throw new AccessQueryError('ACCESS.INVALID_FILTER', 'to: must be after from', 'to');
  if (to.getTime() - from.getTime() > MAX_WINDOW_DAYS * DAY)
    throw new AccessQueryError(
      'ACCESS.INVALID_FILTER',
      `to: at most ${MAX_WINDOW_DAYS} days after from`,
      'to',
    );
};

// $1 from (inclusive), $2 to (exclusive), $3 actor or null.
const IN_WINDOW = `occurred_at >= $1 AND occurred_at < $2 AND ($3::text IS NULL OR actor_id = $3)`;

// The timeline also holds changes (who modified what): the window's accesses are these kinds.
const ACCESS_KINDS = `'viewed', 'revealed', 'exported', 'denied'`;

const sorted = (values: readonly string[] | null): string[] =>
  (values ?? []).filter((value) => value !== null).sort();

/**
 * Window reads of the `access-timeline` read model, for incidents and audit reports. Eventually
 * consistent (a projection); ids, field names and counts only, never a personal value.
 */
export class AccessWindowQueries {
  constructor(private readonly db: Queryable) {}

  /** Who saw which customers' fields, clear or masked, in the window. */
  async scope(
    window: AccessWindow,
    { maxCustomers = DEFAULT_MAX_CUSTOMERS } = {},
  ): Promise<AccessScope> {
    checkWindow(window);
    const parameters = [window.from, window.to, window.actorId ?? null];
    const [total]: { n: number }[] = await this.db.query(
      `SELECT count(DISTINCT customer_id)::int AS n FROM access_timeline
        WHERE ${IN_WINDOW} AND kind IN ('viewed', 'revealed') AND customer_id IS NOT NULL`,
      parameters,
    );
    // A response may carry a customer with no field (a consents list): kept, with no field.
    const customers: {
      customer_id: string;
      clear: string[] | null;
      masked: string[] | null;
      actors: string[];
    }[] = await this.db.query(
      `SELECT t.customer_id,
              array_agg(DISTINCT f.field) FILTER (WHERE f.view = 'full')   AS clear,
              array_agg(DISTINCT f.field) FILTER (WHERE f.view = 'masked') AS masked,
              array_agg(DISTINCT t.actor_id)                                AS actors
         FROM access_timeline t
         LEFT JOIN LATERAL jsonb_to_recordset(t.fields) AS f (field text, view text) ON true
        WHERE ${IN_WINDOW} AND t.kind IN ('viewed', 'revealed') AND t.customer_id IS NOT NULL
        GROUP BY t.customer_id ORDER BY t.customer_id LIMIT $4`,
      [...parameters, maxCustomers],
    );
    const fields: {
      field: string;
      clear_customers: number;
      clear_records: number;
      masked_customers: number;
      masked_records: number;
      exports: number;
    }[] = await this.db.query(
      `SELECT f.field,
              count(DISTINCT t.customer_id) FILTER (WHERE f.view = 'full')::int AS clear_customers,
              count(*) FILTER (WHERE f.view = 'full' AND t.customer_id IS NOT NULL)::int
                AS clear_records,
              count(DISTINCT t.customer_id) FILTER (WHERE f.view = 'masked')::int
                AS masked_customers,
              count(*) FILTER (WHERE f.view = 'masked' AND t.customer_id IS NOT NULL)::int
                AS masked_records,
              count(DISTINCT t.event_id) FILTER (WHERE t.kind = 'exported')::int AS exports
         FROM access_timeline t, jsonb_to_recordset(t.fields) AS f (field text, view text)
        WHERE ${IN_WINDOW} AND t.kind IN ('viewed', 'revealed', 'exported')
        GROUP BY f.field ORDER BY f.field`,
      parameters,
    );
    const actors: {
      actor_id: string;
      views: number;
      reveals: number;
      exports: number;
      exported_rows: number;
      denials: number;
      customers: number;
    }[] = await this.db.query(
      `SELECT actor_id,
              count(DISTINCT event_id) FILTER (WHERE kind = 'viewed')::int AS views,
              count(*) FILTER (WHERE kind = 'revealed')::int AS reveals,
              count(DISTINCT event_id) FILTER (WHERE kind = 'exported')::int AS exports,
              coalesce(sum(row_count) FILTER (WHERE kind = 'exported'), 0)::int AS exported_rows,
              count(DISTINCT event_id) FILTER (WHERE kind = 'denied')::int AS denials,
              count(DISTINCT customer_id) FILTER (WHERE kind IN ('viewed', 'revealed'))::int
                AS customers
         FROM access_timeline WHERE ${IN_WINDOW} AND kind IN (${ACCESS_KINDS})
        GROUP BY actor_id ORDER BY actor_id`,
      parameters,
    );
    const exports: {
      event_id: string;
      actor_id: string;
      purpose: string | null;
      watermark: string | null;
      row_count: number | null;
      fields: { field: string; view: string }[];
      occurred_at: Date;
    }[] = await this.db.query(
      `SELECT event_id, actor_id, purpose, watermark, row_count, fields, occurred_at
         FROM access_timeline WHERE ${IN_WINDOW} AND kind = 'exported'
        ORDER BY occurred_at, event_id LIMIT ${MAX_EXPORTS}`,
      parameters,
    );
    const customerCount = total?.n ?? 0;
    return {
      customerCount,
      customers: customers.map((row) => ({
        customerId: row.customer_id,
        clear: sorted(row.clear),
        masked: sorted(row.masked),
        actorIds: sorted(row.actors),
      })),
      customersTruncated: customerCount > customers.length,
      fields: fields.map((row) => ({
        field: row.field,
        clear: { customers: row.clear_customers, records: row.clear_records },
        masked: { customers: row.masked_customers, records: row.masked_records },
        exports: row.exports,
      })),
      actors: actors.map((row) => ({
        actorId: row.actor_id,
        views: row.views,
        reveals: row.reveals,
        exports: row.exports,
        exportedRows: row.exported_rows,
        denials: row.denials,
        customers: row.customers,
      })),
      exports: exports.map((row) => ({
        eventId: row.event_id,
        actorId: row.actor_id,
        purpose: row.purpose,
        watermark: row.watermark,
        rowCount: row.row_count ?? 0,
        fields: row.fields.map(({ field, view }) => ({ field, view })),
        occurredAt: row.occurred_at.toISOString(),
      })),
    };
  }

  /** Per actor, purpose and field: views, clear and masked records, reveals, exports, rows. */
  async fieldSummary(window: AccessWindow): Promise<FieldAccessSummary[]> {
    checkWindow(window);
    const rows: {
      actor_id: string;
      purpose: string | null;
      field: string;
      views: number;
      clear: number;
      masked: number;
      reveals: number;
      exports: number;
      rows: number;
    }[] = await this.db.query(
      `SELECT t.actor_id, t.purpose, f.field,
              count(DISTINCT t.event_id) FILTER (WHERE t.kind = 'viewed')::int AS views,
              count(*) FILTER (WHERE f.view = 'full' AND t.kind IN ('viewed', 'revealed')
                                 AND t.customer_id IS NOT NULL)::int AS clear,
              count(*) FILTER (WHERE f.view = 'masked' AND t.kind = 'viewed'
                                 AND t.customer_id IS NOT NULL)::int AS masked,
              count(*) FILTER (WHERE t.kind = 'revealed')::int AS reveals,
              count(DISTINCT t.event_id) FILTER (WHERE t.kind = 'exported')::int AS exports,
              coalesce(sum(t.row_count) FILTER (WHERE t.kind = 'exported'), 0)::int AS rows
         FROM access_timeline t, jsonb_to_recordset(t.fields) AS f (field text, view text)
        WHERE ${IN_WINDOW} AND t.kind IN ('viewed', 'revealed', 'exported')
        GROUP BY t.actor_id, t.purpose, f.field
        ORDER BY t.actor_id, t.purpose NULLS FIRST, f.field`,
      [window.from, window.to, window.actorId ?? null],
    );
    return rows.map((row) => ({
      actorId: row.actor_id,
      purpose: row.purpose,
      field: row.field,
      views: row.views,
      clear: row.clear,
      masked: row.masked,
      reveals: row.reveals,
      exports: row.exports,
      rows: row.rows,
    }));
  }

  /** Refusals per actor and reason. */
  async denials(window: AccessWindow): Promise<DenialSummary[]> {
    checkWindow(window);
    const rows: { actor_id: string; reason: string | null; count: number }[] = await this.db.query(
      `SELECT actor_id, reason, count(DISTINCT event_id)::int AS count
         FROM access_timeline WHERE ${IN_WINDOW} AND kind = 'denied'
        GROUP BY actor_id, reason ORDER BY actor_id, reason`,
      [window.from, window.to, window.actorId ?? null],
    );
    return rows.map((row) => ({
      actorId: row.actor_id,
      reason: row.reason ?? 'unknown',
      count: row.count,
    }));
  }
}
