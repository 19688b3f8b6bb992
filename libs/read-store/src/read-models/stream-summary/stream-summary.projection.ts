import type { RecordedEvent } from '@custodia/event-store';
import type { EntityManager } from 'typeorm';
import type { Projection } from '../../projection';

/**
 * Per stream: event count, last revision, last event type, last recorded time. Reads only the
 * envelope (stream id, type, revision, time), never `data`, so it cannot hold a personal value.
 */
export const streamSummaryProjection: Projection = {
  name: 'stream-summary',
  version: 1,
  handles: 'all',
  async apply(event: RecordedEvent, manager: EntityManager): Promise<void> {
    await manager.query(
      `INSERT INTO stream_summaries AS s
         (stream_id, event_count, last_revision, last_event_type, last_recorded_at)
       VALUES ($1, 1, $2, $3, $4)
       ON CONFLICT (stream_id) DO UPDATE SET
         event_count      = s.event_count + 1,
         last_revision    = EXCLUDED.last_revision,
         last_event_type  = EXCLUDED.last_event_type,
         last_recorded_at = EXCLUDED.last_recorded_at`,
      [event.streamId, event.revision, event.type, event.recordedAt],
    );
  },
  async reset(manager: EntityManager): Promise<void> {
    await manager.query(`TRUNCATE stream_summaries`);
  },
};
