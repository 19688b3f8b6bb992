import type { RecordedEvent } from '@custodia/event-store';
import type { Projection } from '@custodia/read-store';
import type { EntityManager } from 'typeorm';
import type { AccessAnomalyDetected } from '../../alert.events';

/** Every alert, one row each, for `GET /v1/alerts`. The event id is the (deterministic) alert id. */
export const accessAlertsProjection: Projection = {
  name: 'access-alerts',
  version: 1,
  handles: ['AccessAnomalyDetected'],
  async apply(event: RecordedEvent, manager: EntityManager): Promise<void> {
    const { data } = event as unknown as AccessAnomalyDetected;
    await manager.query(
      `INSERT INTO access_alerts
         (alert_id, rule, actor_id, window_start, window_end, count, threshold, detected_at, under_notice)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (alert_id) DO NOTHING`,
      [
        event.id,
        data.rule,
        data.actorId,
        data.windowStart,
        data.windowEnd,
        data.count,
        data.threshold,
        data.detectedAt,
        data.underNotice,
      ],
    );
  },
  async reset(manager: EntityManager): Promise<void> {
    await manager.query(`TRUNCATE access_alerts`);
  },
};
