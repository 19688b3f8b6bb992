import type { EntityManager } from 'typeorm';
import { AlertQueryError } from '../../alert.errors';
import type { AnomalyRule } from '../../alert.events';

/** Anything that runs SQL: a DataSource or an EntityManager. */
type Queryable = Pick<EntityManager, 'query'>;

export type AccessAlert = {
  readonly alertId: string;
  readonly rule: AnomalyRule;
  readonly actorId: string;
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly count: number;
  readonly threshold: number;
  readonly detectedAt: string;
  readonly underNotice: boolean;
};

export type ListAlertsOptions = {
  /** Alerts detected at or after this time. */
  readonly since?: Date;
  readonly actorId?: string;
  readonly rule?: AnomalyRule;
  /** `nextCursor` of the previous page. */
  readonly cursor?: string;
  /** 1 to 500. */
  readonly limit: number;
};

export type AlertPage = {
  readonly alerts: AccessAlert[];
  /** Null on the last page. */
  readonly nextCursor: string | null;
};

type Row = {
  alert_id: string;
  rule: AnomalyRule;
  actor_id: string;
  window_start: Date;
  window_end: Date;
  count: number;
  threshold: number;
  detected_at: Date;
  under_notice: boolean;
};

const MAX_LIMIT = 500;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const encodeCursor = (alert: AccessAlert): string =>
  Buffer.from(`${alert.detectedAt}|${alert.alertId}`).toString('base64url');

const decodeCursor = (cursor: string): [string, string] => {
  const [detectedAt, alertId] = Buffer.from(cursor, 'base64url').toString().split('|');
  if (!alertId || !UUID.test(alertId) || Number.isNaN(Date.parse(detectedAt)))
    throw new AlertQueryError('ACCESS.INVALID_ALERT_QUERY', 'cursor: not a cursor from this list');
  return [detectedAt, alertId];
};

/** One page of alerts, newest first. Eventually consistent (a projection). */
export const listAlerts = async (db: Queryable, options: ListAlertsOptions): Promise<AlertPage> => {
  const { since, actorId, rule, cursor, limit } = options;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
    throw new AlertQueryError(
      'ACCESS.INVALID_ALERT_QUERY',
      `limit: an integer from 1 to ${MAX_LIMIT}`,
    );
  if (since !== undefined && Number.isNaN(since.getTime()))
    throw new AlertQueryError('ACCESS.INVALID_ALERT_QUERY', 'since: not a valid time');
  const [afterTime, afterId] = cursor === undefined ? [null, null] : decodeCursor(cursor);
  const rows: Row[] = await db.query(
    `SELECT alert_id, rule, actor_id, window_start, window_end, count, threshold, detected_at,
            under_notice
       FROM access_alerts
      WHERE ($1::timestamptz IS NULL OR detected_at >= $1)
        AND ($2::text IS NULL OR actor_id = $2)
        AND ($3::text IS NULL OR rule = $3)
        AND ($4::timestamptz IS NULL OR (detected_at, alert_id) < ($4, $5::uuid))
      ORDER BY detected_at DESC, alert_id DESC
      LIMIT $6`,
    [since ?? null, actorId ?? null, rule ?? null, afterTime, afterId, limit + 1],
  );
  const alerts = rows.slice(0, limit).map((row): AccessAlert => ({
    alertId: row.alert_id,
    rule: row.rule,
    actorId: row.actor_id,
    windowStart: row.window_start.toISOString(),
    windowEnd: row.window_end.toISOString(),
    count: row.count,
    threshold: row.threshold,
    detectedAt: row.detected_at.toISOString(),
    underNotice: row.under_notice,
  }));
  const last = alerts.at(-1);
  return { alerts, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
};
