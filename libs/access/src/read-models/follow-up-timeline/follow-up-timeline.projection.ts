import type { CustomerErased } from '@custodia/customers';
import type { RecordedEvent } from '@custodia/event-store';
import { type FollowUpLogged, followUpEventTypes } from '@custodia/follow-ups';
import type { Projection } from '@custodia/read-store';
import type { EntityManager } from 'typeorm';
import { isPresentText, jsonValue, plainValue } from '../event-values';

/**
 * Each customer's follow-ups, newest first, without the summary or next step: only whether they
 * exist, and the event that holds them sealed.
 */
export const followUpTimelineProjection: Projection = {
  name: 'follow-up-timeline',
  // 2: an erased customer's follow-ups keep their rows (no personal value) but no notes.
  version: 2,
  handles: [...followUpEventTypes, 'CustomerErased'],
  async apply(event: RecordedEvent, manager: EntityManager): Promise<void> {
    const message = event as unknown as FollowUpLogged | CustomerErased;
    if (message.type === 'CustomerErased') {
      // The sealed notes read as erased from now on: say so before anyone tries to open them.
      await manager.query(
        `UPDATE access_follow_ups SET has_summary = false, has_next_step = false
          WHERE customer_id = $1`,
        [message.data.customerId],
      );
      return;
    }
    const { data } = message;
    await manager.query(
      `INSERT INTO access_follow_ups
         (follow_up_id, customer_id, purpose, channel, occurred_at, recorded_at, next_follow_up_at,
          products, quote, order_status, actor_id, event_id, has_summary, has_next_step)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
       ON CONFLICT (follow_up_id) DO NOTHING`,
      [
        data.followUpId,
        data.customerId,
        data.purpose,
        data.channel,
        data.occurredAt,
        data.recordedAt,
        plainValue(data.nextFollowUpAt) ?? null,
        jsonValue(data.products) ?? null,
        jsonValue(data.quote) ?? null,
        plainValue(data.orderStatus) ?? null,
        data.actorId,
        event.id,
        isPresentText(data.summary),
        isPresentText(data.nextStep),
      ],
    );
  },
  async reset(manager: EntityManager): Promise<void> {
    await manager.query(`TRUNCATE access_follow_ups`);
  },
};
