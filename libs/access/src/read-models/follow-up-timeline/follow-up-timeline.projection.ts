import type { CustomerErased } from '@custodia/customers';
import type { RecordedEvent } from '@custodia/event-store';
import { type FollowUpLogged, followUpEventTypes } from '@custodia/follow-ups';
import type { Projection } from '@custodia/read-store';
import type { EntityManager } from 'typeorm';
import { isPresentNote, jsonValue, plainValue } from '../event-values';

/** The access_follow_ups row of one FollowUpLogged, in INSERT_FOLLOW_UPS's column order. */
const followUpRow = ({ data }: FollowUpLogged, eventId: string): unknown[] => [
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
  eventId,
  isPresentNote(data.summary),
  isPresentNote(data.nextStep),
];

/**
 * One statement for any number of rows (one array parameter per column); a follow-up already
 * there, or twice in the same batch, keeps its first row.
 */
const INSERT_FOLLOW_UPS = `
  INSERT INTO access_follow_ups
    (follow_up_id, customer_id, purpose, channel, occurred_at, recorded_at, next_follow_up_at,
     products, quote, order_status, actor_id, event_id, has_summary, has_next_step)
  SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::timestamptz[],
    $6::timestamptz[], $7::timestamptz[], $8::jsonb[], $9::jsonb[], $10::text[], $11::text[],
    $12::uuid[], $13::boolean[], $14::boolean[])
  ON CONFLICT (follow_up_id) DO NOTHING`;

const insertFollowUps = async (
  manager: EntityManager,
  rows: readonly unknown[][],
): Promise<void> => {
  if (rows.length === 0) return;
  const columns = rows[0].map((_, c) => rows.map((row) => row[c]));
  await manager.query(INSERT_FOLLOW_UPS, columns);
};

/**
 * Each customer's follow-ups, newest first, without the summary or next step: only whether they
 * exist, and the event that holds them sealed.
 */
export const followUpTimelineProjection: Projection = {
  name: 'follow-up-timeline',
  // 2: an erased customer's follow-ups keep their rows (no personal value) but no notes.
  version: 2,
  handles: [...followUpEventTypes, 'CustomerErased'],
  // Only whether the notes are there: the runner never opens them (nor loads a key) for this.
  readsSealed: true,
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
    await insertFollowUps(manager, [followUpRow(message, event.id)]);
  },
  /** Runs of follow-ups as one INSERT each; an erasure in between is applied in its place. */
  async applyBatch(events: readonly RecordedEvent[], manager: EntityManager): Promise<void> {
    let rows: unknown[][] = [];
    for (const event of events) {
      const message = event as unknown as FollowUpLogged | CustomerErased;
      if (message.type === 'CustomerErased') {
        await insertFollowUps(manager, rows);
        rows = [];
        await followUpTimelineProjection.apply(event, manager);
      } else rows.push(followUpRow(message, event.id));
    }
    await insertFollowUps(manager, rows);
  },
  async reset(manager: EntityManager): Promise<void> {
    await manager.query(`TRUNCATE access_follow_ups`);
  },
};
