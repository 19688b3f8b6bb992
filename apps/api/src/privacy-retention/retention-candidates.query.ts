import type { RetentionBasis, RetentionSubject } from '@custodia/privacy';
import type { EntityManager } from 'typeorm';

type Queryable = Pick<EntityManager, 'query'>;

export type RetentionCandidate = RetentionSubject & {
  readonly customerId: string;
  /** The latest erasure request of any state, or null: to skip an open one or a decided one. */
  readonly lastErasure: { readonly open: boolean; readonly receivedAt: string } | null;
};

type Row = {
  customer_id: string;
  bases: { purpose: string; status: string; since: string; until: string | null }[];
  follow_ups: Record<string, string>;
  erasure_open: boolean | null;
  erasure_received_at: Date | null;
};

// One page of live customers (keyset on customer_id) with what retention needs from each read
// model: every consent row, the last follow-up per purpose, and their latest erasure request.
const PAGE = `
  SELECT d.customer_id,
         COALESCE((SELECT json_agg(json_build_object(
                            'purpose', c.purpose, 'status', c.status,
                            'since', c.since, 'until', c.until))
                     FROM access_customer_consents c
                    WHERE c.customer_id = d.customer_id), '[]'::json) AS bases,
         COALESCE((SELECT json_object_agg(f.purpose, f.last)
                     FROM (SELECT purpose, max(occurred_at) AS last
                             FROM access_follow_ups
                            WHERE customer_id = d.customer_id
                            GROUP BY purpose) f), '{}'::json) AS follow_ups,
         r.open AS erasure_open,
         r.received_at AS erasure_received_at
    FROM access_customer_directory d
    LEFT JOIN LATERAL (
           SELECT state NOT IN ('completed', 'rejected') AS open, received_at
             FROM privacy_requests
            WHERE customer_id = d.customer_id::text AND type = 'erasure'
            ORDER BY (state NOT IN ('completed', 'rejected')) DESC, received_at DESC
            LIMIT 1) r ON true
   WHERE NOT d.erased AND ($1::uuid IS NULL OR d.customer_id > $1::uuid)
   ORDER BY d.customer_id
   LIMIT $2`;

const toBasis = (row: Row['bases'][number]): RetentionBasis =>
  row.status === 'active'
    ? { purpose: row.purpose, since: row.since }
    : { purpose: row.purpose, since: row.since, endedAt: row.until ?? row.since };

/** Live (not erased) customers after `after`, ordered by id. Eventually consistent. */
export const findRetentionCandidates = async (
  db: Queryable,
  after: string | null,
  limit: number,
): Promise<RetentionCandidate[]> => {
  const rows: Row[] = await db.query(PAGE, [after, limit]);
  return rows.map((row) => ({
    customerId: row.customer_id,
    erased: false,
    bases: row.bases.map(toBasis),
    lastFollowUps: new Map(Object.entries(row.follow_ups)),
    lastErasure:
      row.erasure_received_at === null
        ? null
        : { open: row.erasure_open === true, receivedAt: row.erasure_received_at.toISOString() },
  }));
};

/** How many of `requestIds` the privacy projection shows already. */
export const countProjectedRequests = async (
  db: Queryable,
  requestIds: readonly string[],
): Promise<number> => {
  const [row]: { n: number }[] = await db.query(
    `SELECT count(*)::int AS n FROM privacy_requests WHERE request_id = ANY($1::text[])`,
    [requestIds],
  );
  return row?.n ?? 0;
};
