import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Anonymised counts the business may keep after an erasure: no customer id, no personal value.
 * `access_statistics_owners` is the projection's working state (whose customer a follow-up is
 * counted for); a customer's row there is deleted when the customer is erased.
 */
export class AccessCustomerStatistics1796610000001 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE access_customer_statistics (
        owner_id             text    NOT NULL,
        month                text    NOT NULL CHECK (month ~ '^[0-9]{4}-[0-9]{2}$'),
        channel              text    NOT NULL,
        purpose              text    NOT NULL,
        customers_registered integer NOT NULL DEFAULT 0,
        follow_ups_logged    integer NOT NULL DEFAULT 0,
        PRIMARY KEY (owner_id, month, channel, purpose)
      )`);
    await queryRunner.query(`
      CREATE TABLE access_statistics_owners (
        customer_id uuid PRIMARY KEY,
        owner_id    text NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE access_statistics_owners`);
    await queryRunner.query(`DROP TABLE access_customer_statistics`);
  }
}
