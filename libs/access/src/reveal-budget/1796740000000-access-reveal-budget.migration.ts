import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each user's reveals of the last hour, shared by every API process: one row per user holding
 * the instants of their reveals (at most the hourly limit of them), so that n replicas still
 * allow one budget, not n.
 */
export class AccessRevealBudget1796740000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE access_reveal_budget (
        user_id text          PRIMARY KEY,
        taken   timestamptz[] NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE access_reveal_budget`);
  }
}
