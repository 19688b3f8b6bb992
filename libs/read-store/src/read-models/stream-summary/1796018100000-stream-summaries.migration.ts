import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Read model of the stream-summary projection: stream ids and event types only. */
export class ReadStoreStreamSummaries1796018100000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE stream_summaries (
        stream_id        text        PRIMARY KEY,
        event_count      bigint      NOT NULL CHECK (event_count > 0),
        last_revision    bigint      NOT NULL CHECK (last_revision >= 0),
        last_event_type  text        NOT NULL,
        last_recorded_at timestamptz NOT NULL
      )`);
    // "Recently active streams" is the query the summary exists for.
    await queryRunner.query(
      `CREATE INDEX stream_summaries_last_recorded_at_idx ON stream_summaries (last_recorded_at)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE stream_summaries`);
  }
}
