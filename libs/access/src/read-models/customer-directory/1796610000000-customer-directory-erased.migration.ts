import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An erased customer keeps a tombstone row in the directory: ids, owner and team (so a read is
 * still scoped before it answers 410), every masked column and blind index NULL.
 */
export class AccessCustomerDirectoryErased1796610000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE access_customer_directory
        ADD COLUMN erased    boolean     NOT NULL DEFAULT false,
        ADD COLUMN erased_at timestamptz`);
    // Lists never show tombstones (`NOT erased`): the scope indexes become partial so a scoped
    // page stays one ordered range scan that skips them.
    await queryRunner.query(`DROP INDEX access_customer_directory_owner_idx`);
    await queryRunner.query(`DROP INDEX access_customer_directory_team_idx`);
    await queryRunner.query(`
      CREATE INDEX access_customer_directory_owner_idx
        ON access_customer_directory (owner_id, customer_id) WHERE NOT erased`);
    await queryRunner.query(`
      CREATE INDEX access_customer_directory_team_idx
        ON access_customer_directory (team, customer_id) WHERE NOT erased`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX access_customer_directory_owner_idx`);
    await queryRunner.query(`DROP INDEX access_customer_directory_team_idx`);
    await queryRunner.query(`
      ALTER TABLE access_customer_directory DROP COLUMN erased_at, DROP COLUMN erased`);
    await queryRunner.query(`
      CREATE INDEX access_customer_directory_owner_idx
        ON access_customer_directory (owner_id, customer_id)`);
    await queryRunner.query(`
      CREATE INDEX access_customer_directory_team_idx
        ON access_customer_directory (team, customer_id)`);
  }
}
