import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The alert processor's window counters and its checkpoint, in one row per processor so both are
 * written in one statement: after a crash it resumes from a checkpoint that matches its counters.
 */
export class AccessAlertState1796510000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE access_alert_state (
        processor   text        PRIMARY KEY,
        position    text,
        state       jsonb       NOT NULL,
        events_seen bigint      NOT NULL DEFAULT 0,
        updated_at  timestamptz NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE access_alert_state`);
  }
}
