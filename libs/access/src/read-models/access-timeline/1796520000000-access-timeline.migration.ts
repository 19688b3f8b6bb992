import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Read model of the `access-timeline` projection: one row per access event and customer. Ids,
 * field names, counts and times only; a reveal's reason (free text about the customer) is not
 * kept here, it stays sealed in the log under the customer's key.
 */
export class AccessTimeline1796520000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE access_timeline (
        event_id     uuid        NOT NULL,
        ordinal      integer     NOT NULL,
        actor_id     text        NOT NULL,
        kind         text        NOT NULL
                     CHECK (kind IN ('viewed', 'revealed', 'exported', 'denied')),
        purpose      text,
        customer_id  text,
        fields       jsonb       NOT NULL DEFAULT '[]'::jsonb,
        row_count    integer,
        watermark    text,
        reason       text,
        request_id   text        NOT NULL,
        route        text        NOT NULL,
        under_notice boolean     NOT NULL,
        occurred_at  timestamptz NOT NULL,
        recorded_at  timestamptz NOT NULL,
        PRIMARY KEY (event_id, ordinal)
      )`);
    // Newest first per actor and per customer, continued by keyset (occurred_at, event_id, ordinal).
    await queryRunner.query(`
      CREATE INDEX access_timeline_actor_idx
        ON access_timeline (actor_id, occurred_at DESC, event_id DESC, ordinal DESC)`);
    await queryRunner.query(`
      CREATE INDEX access_timeline_customer_idx
        ON access_timeline (customer_id, occurred_at DESC, event_id DESC, ordinal DESC)
        WHERE customer_id IS NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE access_timeline`);
  }
}
