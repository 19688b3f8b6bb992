import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

// bigint columns arrive from pg as strings; counts here stay far below 2^53.
const bigintAsNumber = {
  to: (value: number): number => value,
  from: (value: string | null): number | null => (value === null ? null : Number(value)),
};

/** One row per stream: how many events it holds and what happened last. No personal values. */
// Mirrors the migration (constraints, index) so TypeORM's schema diff stays empty.
@Entity({ name: 'stream_summaries' })
@Check('stream_summaries_event_count_check', '"event_count" > 0')
@Check('stream_summaries_last_revision_check', '"last_revision" >= 0')
export class StreamSummaryEntity {
  @PrimaryColumn({ name: 'stream_id', type: 'text' })
  streamId!: string;

  @Column({ name: 'event_count', type: 'bigint', transformer: bigintAsNumber })
  eventCount!: number;

  @Column({ name: 'last_revision', type: 'bigint', transformer: bigintAsNumber })
  lastRevision!: number;

  @Column({ name: 'last_event_type', type: 'text' })
  lastEventType!: string;

  @Index('stream_summaries_last_recorded_at_idx')
  @Column({ name: 'last_recorded_at', type: 'timestamptz' })
  lastRecordedAt!: Date;
}
