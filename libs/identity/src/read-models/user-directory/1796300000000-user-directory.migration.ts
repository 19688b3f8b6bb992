import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Read model of the user-directory projection. No display names: an employee's name is personal
 * data and the directory is listed in bulk; the name is read from the user's stream when needed.
 */
export class IdentityUserDirectory1796300000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE identity_user_directory (
        user_id       text        PRIMARY KEY,
        roles         text[]      NOT NULL,
        team          text,
        leaves_at     timestamptz,
        offboarded_at timestamptz,
        registered_at timestamptz NOT NULL,
        updated_at    timestamptz NOT NULL
      )`);
    // The offboarding sweep looks for notices that have taken effect but are not recorded yet.
    await queryRunner.query(`
      CREATE INDEX identity_user_directory_pending_exit_idx
        ON identity_user_directory (leaves_at) WHERE offboarded_at IS NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE identity_user_directory`);
  }
}
