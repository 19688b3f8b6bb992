import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Read model of the legal-holds projection: no reason (personal), only ids, basis and times. */
export class PrivacyLegalHolds1796600000001 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE privacy_legal_holds (
        hold_id     text        PRIMARY KEY,
        customer_id text        NOT NULL,
        basis       text        NOT NULL,
        until       timestamptz,
        placed_at   timestamptz NOT NULL,
        lifted_at   timestamptz
      )`);
    await queryRunner.query(`
      CREATE INDEX privacy_legal_holds_customer_idx ON privacy_legal_holds (customer_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE privacy_legal_holds`);
  }
}
