import type { EntityManager } from 'typeorm';
import { IncidentError } from '../../incident.errors';
import type { IncidentStatus } from '../../incident.events';

type Queryable = Pick<EntityManager, 'query'>;

export type IncidentSummary = {
  readonly incidentId: string;
  readonly status: IncidentStatus;
  readonly suspectedActorId: string | null;
  readonly window: { readonly from: string; readonly to: string };
  readonly awareAt: string;
  readonly openedAt: string;
  readonly openedBy: string;
  readonly deadlines: { readonly GDPR: string; readonly PIPL: string };
  readonly containedAt: string | null;
  readonly notifiedAt: string | null;
  readonly closedAt: string | null;
  readonly scope: {
    readonly customerCount: number;
    readonly actorIds: readonly string[];
    readonly fields: readonly string[];
    readonly complete: boolean;
  };
};

export type ListIncidentsOptions = {
  readonly status?: IncidentStatus;
  /** `next` of the previous page. */
  readonly cursor?: string;
  readonly limit: number;
};

export type IncidentPage = {
  readonly items: IncidentSummary[];
  readonly next: string | null;
};

type Row = {
  incident_id: string;
  status: IncidentStatus;
  suspected_actor_id: string | null;
  window_from: Date;
  window_to: Date;
  aware_at: Date;
  opened_at: Date;
  opened_by: string;
  gdpr_due_at: Date;
  pipl_due_at: Date;
  contained_at: Date | null;
  notified_at: Date | null;
  closed_at: Date | null;
  customer_count: number;
  actor_ids: string[];
  fields: string[];
  scope_complete: boolean;
};

const encodeCursor = (row: Row): string =>
  Buffer.from(`${row.opened_at.toISOString()}|${row.incident_id}`).toString('base64url');

const decodeCursor = (cursor: string): [string, string] => {
  const [at = '', id = '', ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (rest.length > 0 || id === '' || Number.isNaN(Date.parse(at))) {
    throw new IncidentError(
      'INCIDENT.FIELD_INVALID',
      'cursor: not a cursor from this list',
      'cursor',
    );
  }
  return [at, id];
};

const iso = (value: Date | null): string | null => value?.toISOString() ?? null;

/** One page of incidents, newest first. Eventually consistent (a projection). */
export const listIncidents = async (
  db: Queryable,
  { status, cursor, limit }: ListIncidentsOptions,
): Promise<IncidentPage> => {
  const [afterAt, afterId] = cursor === undefined ? [null, null] : decodeCursor(cursor);
  const rows: Row[] = await db.query(
    `SELECT incident_id, status, suspected_actor_id, window_from, window_to, aware_at, opened_at,
            opened_by, gdpr_due_at, pipl_due_at, contained_at, notified_at, closed_at,
            customer_count, actor_ids, fields, scope_complete
       FROM audit_incidents
      WHERE ($1::text IS NULL OR status = $1)
        AND ($2::timestamptz IS NULL OR (opened_at, incident_id) < ($2, $3::text))
      ORDER BY opened_at DESC, incident_id DESC
      LIMIT $4`,
    [status ?? null, afterAt, afterId, limit],
  );
  const items = rows.map((row): IncidentSummary => ({
    incidentId: row.incident_id,
    status: row.status,
    suspectedActorId: row.suspected_actor_id,
    window: { from: row.window_from.toISOString(), to: row.window_to.toISOString() },
    awareAt: row.aware_at.toISOString(),
    openedAt: row.opened_at.toISOString(),
    openedBy: row.opened_by,
    deadlines: { GDPR: row.gdpr_due_at.toISOString(), PIPL: row.pipl_due_at.toISOString() },
    containedAt: iso(row.contained_at),
    notifiedAt: iso(row.notified_at),
    closedAt: iso(row.closed_at),
    scope: {
      customerCount: row.customer_count,
      actorIds: row.actor_ids,
      fields: row.fields,
      complete: row.scope_complete,
    },
  }));
  const last = rows.at(-1);
  return { items, next: rows.length === limit && last !== undefined ? encodeCursor(last) : null };
};
