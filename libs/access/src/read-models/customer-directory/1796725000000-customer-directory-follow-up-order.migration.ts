import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A list filtered by next follow-up date is ordered by (next_follow_up_at, customer_id) inside
 * its scope: one index per scope column, so a page of a date window is one ordered range scan
 * that reads only rows of the window (the (owner_id | team, customer_id) indexes made it walk
 * the whole scope in id order and filter by date). Plans: docs/plans/customer-directory.md.
 */
export class AccessCustomerDirectoryFollowUpOrder1796725000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE INDEX access_customer_directory_owner_follow_up_idx
        ON access_customer_directory (owner_id, next_follow_up_at, customer_id)
        WHERE NOT erased AND next_follow_up_at IS NOT NULL`);
    await queryRunner.query(`
      CREATE INDEX access_customer_directory_team_follow_up_idx
        ON access_customer_directory (team, next_follow_up_at, customer_id)
        WHERE NOT erased AND next_follow_up_at IS NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX access_customer_directory_team_follow_up_idx`);
    await queryRunner.query(`DROP INDEX access_customer_directory_owner_follow_up_idx`);
  }
}
