import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Follow-ups without their text: the summary and next step stay sealed in the log and are opened
 * from the event (`event_id`) when a read may show them.
 */
export class AccessFollowUps1796500000002 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE access_follow_ups (
        follow_up_id      uuid        PRIMARY KEY,
        customer_id       uuid        NOT NULL,
        purpose           text        NOT NULL,
        channel           text        NOT NULL,
        occurred_at       timestamptz NOT NULL,
        recorded_at       timestamptz NOT NULL,
        next_follow_up_at timestamptz,
        products          jsonb,
        quote             jsonb,
        order_status      text,
        actor_id          text        NOT NULL,
        event_id          uuid        NOT NULL,
        has_summary       boolean     NOT NULL,
        has_next_step     boolean     NOT NULL
      )`);
    // A customer's timeline, newest first, keyset-paginated.
    await queryRunner.query(`
      CREATE INDEX access_follow_ups_timeline_idx
        ON access_follow_ups (customer_id, occurred_at DESC, follow_up_id DESC)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE access_follow_ups`);
  }
}
