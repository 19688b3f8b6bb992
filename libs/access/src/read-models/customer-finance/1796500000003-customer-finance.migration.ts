import type { MigrationInterface, QueryRunner } from 'typeorm';

/** What finance sees of a customer: business fields only, no contact details at all. */
export class AccessCustomerFinance1796500000003 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE access_customer_finance (
        customer_id  uuid        PRIMARY KEY,
        owner_id     text        NOT NULL,
        team         text        NOT NULL,
        company      text,
        products     jsonb,
        quote        jsonb,
        order_status text,
        updated_at   timestamptz NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE access_customer_finance`);
  }
}
