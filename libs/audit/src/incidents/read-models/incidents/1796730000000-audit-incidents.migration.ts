import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Read model of the `incidents` projection: ids, statuses, times, deadlines and the scope's
 * counts and field names. The description, notes and the scope's customer ids stay in the log.
 */
export class AuditIncidents1796730000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE audit_incidents (
        incident_id        text        PRIMARY KEY,
        status             text        NOT NULL
                           CHECK (status IN ('open', 'contained', 'notified', 'closed')),
        suspected_actor_id text,
        window_from        timestamptz NOT NULL,
        window_to          timestamptz NOT NULL,
        aware_at           timestamptz NOT NULL,
        opened_at          timestamptz NOT NULL,
        opened_by          text        NOT NULL,
        gdpr_due_at        timestamptz NOT NULL,
        pipl_due_at        timestamptz NOT NULL,
        contained_at       timestamptz,
        notified_at        timestamptz,
        closed_at          timestamptz,
        customer_count     integer     NOT NULL,
        actor_ids          text[]      NOT NULL DEFAULT '{}',
        fields             text[]      NOT NULL DEFAULT '{}',
        scope_complete     boolean     NOT NULL
      )`);
    // Newest first, continued by keyset (opened_at, incident_id).
    await queryRunner.query(`
      CREATE INDEX audit_incidents_opened_idx ON audit_incidents (opened_at DESC, incident_id DESC)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE audit_incidents`);
  }
}
