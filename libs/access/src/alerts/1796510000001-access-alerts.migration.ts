import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Read model of the `access-alerts` projection: ids, counts and times, nothing personal. */
export class AccessAlerts1796510000001 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE access_alerts (
        alert_id     uuid        PRIMARY KEY,
        rule         text        NOT NULL,
        actor_id     text        NOT NULL,
        window_start timestamptz NOT NULL,
        window_end   timestamptz NOT NULL,
        count        integer     NOT NULL,
        threshold    integer     NOT NULL,
        detected_at  timestamptz NOT NULL,
        under_notice boolean     NOT NULL
      )`);
    // Newest first, continued by keyset (detected_at, alert_id); and the same per actor.
    await queryRunner.query(
      `CREATE INDEX access_alerts_detected_idx ON access_alerts (detected_at DESC, alert_id DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX access_alerts_actor_idx ON access_alerts (actor_id, detected_at DESC, alert_id DESC)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE access_alerts`);
  }
}
