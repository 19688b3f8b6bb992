import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Read model of the privacy-requests projection: ids, codes and times only (no notes, no reasons). */
export class PrivacyRequests1796600000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE privacy_requests (
        request_id   text        PRIMARY KEY,
        customer_id  text        NOT NULL,
        type         text        NOT NULL,
        regime       text        NOT NULL,
        state        text        NOT NULL,
        received_at  timestamptz NOT NULL,
        due_at       timestamptz NOT NULL,
        extended     boolean     NOT NULL DEFAULT false,
        completed_at timestamptz,
        hold_ids     text[]      NOT NULL DEFAULT '{}'
      )`);
    // The list pages by (received_at, request_id); the overdue view looks at open requests only.
    await queryRunner.query(`
      CREATE INDEX privacy_requests_received_idx ON privacy_requests (received_at, request_id)`);
    await queryRunner.query(`
      CREATE INDEX privacy_requests_customer_idx ON privacy_requests (customer_id)`);
    await queryRunner.query(`
      CREATE INDEX privacy_requests_open_due_idx ON privacy_requests (due_at)
        WHERE state NOT IN ('completed', 'rejected')`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE privacy_requests`);
  }
}
