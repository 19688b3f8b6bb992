import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * First answers of POSTs sent with an `Idempotency-Key`, per actor and route. The body is kept
 * only as a keyed hash (HMAC), never as text: a low-entropy value (a mobile number) under a plain
 * SHA-256 could be found by trying every candidate. Responses hold ids only.
 */
export class IdempotencyKeys1796400000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE api_idempotency_keys (
        actor_id     text        NOT NULL,
        route        text        NOT NULL,
        key          text        NOT NULL,
        request_hash text        NOT NULL,
        status       integer,
        response     jsonb,
        created_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (actor_id, route, key)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE api_idempotency_keys`);
  }
}
