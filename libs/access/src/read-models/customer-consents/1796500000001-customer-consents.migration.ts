import type { MigrationInterface, QueryRunner } from 'typeorm';

/** One row per customer and purpose: the current consent or other lawful basis and its state. */
export class AccessCustomerConsents1796500000001 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE access_customer_consents (
        customer_id    uuid        NOT NULL,
        purpose        text        NOT NULL,
        lawful_basis   text        NOT NULL,
        status         text        NOT NULL CHECK (status IN ('active', 'withdrawn', 'ended')),
        separate       boolean     NOT NULL,
        notice_version text        NOT NULL,
        channel        text,
        since          timestamptz NOT NULL,
        until          timestamptz,
        PRIMARY KEY (customer_id, purpose)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE access_customer_consents`);
  }
}
