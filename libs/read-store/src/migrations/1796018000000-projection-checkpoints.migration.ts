import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One row per projection: how far it has read the global log (an opaque position from the event
 * store) and which version of the projection wrote its read model.
 */
export class ReadStoreProjectionCheckpoints1796018000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE projection_checkpoints (
        projection     text        PRIMARY KEY,
        version        integer     NOT NULL CHECK (version >= 0),
        position       text        NULL,
        events_applied bigint      NOT NULL DEFAULT 0 CHECK (events_applied >= 0),
        updated_at     timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE projection_checkpoints`);
  }
}
