import type { EntityManager } from 'typeorm';
import { AlertQueryError } from '../../alert.errors';
import type { AccessAlert } from './access-alerts.query';

type Queryable = Pick<EntityManager, 'query'>;

export type AlertsInWindow = {
  /** Exact, per rule. */
  readonly byRule: Readonly<Record<string, number>>;
  readonly total: number;
  /** Oldest first, at most `limit`. */
  readonly alerts: readonly AccessAlert[];
  readonly truncated: boolean;
};

type Row = {
  alert_id: string;
  rule: AccessAlert['rule'];
  actor_id: string;
  window_start: Date;
  window_end: Date;
  count: number;
  threshold: number;
  detected_at: Date;
  under_notice: boolean;
};

/**
 * The alerts detected in [from, to), oldest first, for the audit report: ids, rules and counts,
 * nothing personal. Eventually consistent (a projection).
 */
export const alertsInWindow = async (
  db: Queryable,
  { from, to, limit = 1000 }: { readonly from: Date; readonly to: Date; readonly limit?: number },
): Promise<AlertsInWindow> => {
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || to <= from)
    throw new AlertQueryError('ACCESS.INVALID_ALERT_QUERY', 'to: must be a time after from');
  const counts: { rule: string; n: number }[] = await db.query(
    `SELECT rule, count(*)::int AS n FROM access_alerts
      WHERE detected_at >= $1 AND detected_at < $2 GROUP BY rule ORDER BY rule`,
    [from, to],
  );
  const rows: Row[] = await db.query(
    `SELECT alert_id, rule, actor_id, window_start, window_end, count, threshold, detected_at,
            under_notice
       FROM access_alerts WHERE detected_at >= $1 AND detected_at < $2
      ORDER BY detected_at, alert_id LIMIT $3`,
    [from, to, limit],
  );
  const total = counts.reduce((sum, row) => sum + row.n, 0);
  return {
    byRule: Object.fromEntries(counts.map((row) => [row.rule, row.n])),
    total,
    alerts: rows.map((row) => ({
      alertId: row.alert_id,
      rule: row.rule,
      actorId: row.actor_id,
      windowStart: row.window_start.toISOString(),
      windowEnd: row.window_end.toISOString(),
      count: row.count,
      threshold: row.threshold,
      detectedAt: row.detected_at.toISOString(),
      underNotice: row.under_notice,
    })),
    truncated: total > rows.length,
  };
};
