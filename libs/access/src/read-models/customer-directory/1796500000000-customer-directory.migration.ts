import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The customer directory: masked profile fields only, never a full value, plus keyed blind
 * indexes (HMAC) of phone and e-mail for exact-match search.
 */
export class AccessCustomerDirectory1796500000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE access_customer_directory (
        customer_id       uuid        PRIMARY KEY,
        owner_id          text        NOT NULL,
        team              text        NOT NULL,
        name_masked       text,
        phone_masked      text,
        email_masked      text,
        wechat_masked     text,
        address_masked    text,
        id_number_masked  text,
        income_band       text,
        company           text,
        active_bases      jsonb       NOT NULL DEFAULT '[]'::jsonb,
        last_follow_up_at timestamptz,
        next_follow_up_at timestamptz,
        registered_at     timestamptz NOT NULL,
        updated_at        timestamptz NOT NULL,
        phone_bidx        bytea,
        email_bidx        bytea
      )`);
    // Lists are keyset-paginated by customer id inside a scope (owner or team): each index ends
    // with customer_id so a scoped page is an index range scan in order.
    await queryRunner.query(`
      CREATE INDEX access_customer_directory_owner_idx
        ON access_customer_directory (owner_id, customer_id)`);
    await queryRunner.query(`
      CREATE INDEX access_customer_directory_team_idx
        ON access_customer_directory (team, customer_id)`);
    await queryRunner.query(`
      CREATE INDEX access_customer_directory_next_follow_up_idx
        ON access_customer_directory (next_follow_up_at, customer_id)
        WHERE next_follow_up_at IS NOT NULL`);
    await queryRunner.query(`
      CREATE INDEX access_customer_directory_phone_bidx_idx
        ON access_customer_directory (phone_bidx) WHERE phone_bidx IS NOT NULL`);
    await queryRunner.query(`
      CREATE INDEX access_customer_directory_email_bidx_idx
        ON access_customer_directory (email_bidx) WHERE email_bidx IS NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE access_customer_directory`);
  }
}
