import type { RecordedEvent } from '@custodia/event-store';
import type { Projection } from '@custodia/read-store';
import type { EntityManager } from 'typeorm';
import { INCIDENT_EVENT_TYPES, type IncidentEvent } from '../../incident.events';

const dueAt = (event: Extract<IncidentEvent, { type: 'IncidentOpened' }>, regime: string) =>
  event.data.deadlines.find((deadline) => deadline.regime === regime)?.dueAt ?? event.data.awareAt;

const statement = (event: IncidentEvent): [string, unknown[]] => {
  const id = event.data.incidentId;
  switch (event.type) {
    case 'IncidentOpened': {
      const { window, suspectedActorId, awareAt, openedAt, actorId, scope } = event.data;
      return [
        `INSERT INTO audit_incidents
           (incident_id, status, suspected_actor_id, window_from, window_to, aware_at, opened_at,
            opened_by, gdpr_due_at, pipl_due_at, customer_count, actor_ids, fields, scope_complete)
         VALUES ($1, 'open', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
         ON CONFLICT (incident_id) DO NOTHING`,
        [
          id,
          suspectedActorId ?? null,
          window.from,
          window.to,
          awareAt,
          openedAt,
          actorId,
          dueAt(event, 'GDPR'),
          dueAt(event, 'PIPL'),
          scope.customerCount,
          scope.actors.map((actor) => actor.actorId),
          scope.fields.map((field) => field.field),
          scope.complete,
        ],
      ];
    }
    case 'IncidentContained':
      return [
        `UPDATE audit_incidents SET status = 'contained', contained_at = $2 WHERE incident_id = $1`,
        [id, event.data.containedAt],
      ];
    case 'IncidentNotified':
      return [
        `UPDATE audit_incidents SET status = 'notified', notified_at = $2 WHERE incident_id = $1`,
        [id, event.data.notifiedAt],
      ];
    case 'IncidentClosed':
      return [
        `UPDATE audit_incidents SET status = 'closed', closed_at = $2 WHERE incident_id = $1`,
        [id, event.data.closedAt],
      ];
  }
};

/** The incident register for `GET /v1/incidents`: no description, note or customer id. */
export const incidentsProjection: Projection = {
  name: 'incidents',
  version: 1,
  handles: INCIDENT_EVENT_TYPES,
  async apply(event: RecordedEvent, manager: EntityManager): Promise<void> {
    const [sql, parameters] = statement(event as unknown as IncidentEvent);
    await manager.query(sql, parameters);
  },
  async reset(manager: EntityManager): Promise<void> {
    await manager.query(`TRUNCATE audit_incidents`);
  },
};
