import type { EntityManager } from 'typeorm';

type Queryable = Pick<EntityManager, 'query'>;

export type CompletedErasures = {
  readonly count: number;
  /** Oldest first, at most `limit`. */
  readonly requests: readonly { readonly requestId: string; readonly completedAt: string }[];
  readonly truncated: boolean;
};

/**
 * Erasure requests completed in [from, to), for the audit report: request ids and times only
 * (no customer id: the customer is gone). Eventually consistent (a projection).
 */
export const completedErasures = async (
  db: Queryable,
  { from, to, limit = 1000 }: { readonly from: Date; readonly to: Date; readonly limit?: number },
): Promise<CompletedErasures> => {
  const scope = `type = 'erasure' AND state = 'completed' AND completed_at >= $1 AND completed_at < $2`;
  const [total]: { n: number }[] = await db.query(
    `SELECT count(*)::int AS n FROM privacy_requests WHERE ${scope}`,
    [from, to],
  );
  const rows: { request_id: string; completed_at: Date }[] = await db.query(
    `SELECT request_id, completed_at FROM privacy_requests WHERE ${scope}
      ORDER BY completed_at, request_id LIMIT $3`,
    [from, to, limit],
  );
  const count = total?.n ?? 0;
  return {
    count,
    requests: rows.map((row) => ({
      requestId: row.request_id,
      completedAt: row.completed_at.toISOString(),
    })),
    truncated: count > rows.length,
  };
};
