import type { MigrationInterface, QueryRunner } from 'typeorm';

const ACCESS_KINDS = `'viewed', 'revealed', 'exported', 'denied'`;
const CHANGE_KINDS = `'registered', 'updated', 'corrected', 'owner_changed', 'consent_granted',
  'consent_withdrawn', 'basis_recorded', 'basis_ended', 'follow_up_logged', 'erased'`;

/**
 * The access timeline also records every change to a customer (who changed which field, consent
 * granted or withdrawn, owner changed, correction, erasure): field NAMES, ids and codes only.
 * Changes carry no route, request or notice flag (their events do not), so those become
 * nullable; accesses keep the actor's roles. Two more keyset indexes serve the audit filter
 * when it names neither a customer nor an actor (by purpose, or by time alone).
 */
export class AccessTimelineChanges1796720000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE access_timeline
        DROP CONSTRAINT access_timeline_kind_check,
        ADD CONSTRAINT access_timeline_kind_check CHECK (kind IN (${ACCESS_KINDS}, ${CHANGE_KINDS})),
        ADD COLUMN actor_roles text[],
        ADD COLUMN detail jsonb,
        ALTER COLUMN request_id DROP NOT NULL,
        ALTER COLUMN route DROP NOT NULL,
        ALTER COLUMN under_notice DROP NOT NULL`);
    await queryRunner.query(`
      CREATE INDEX access_timeline_time_idx
        ON access_timeline (occurred_at DESC, event_id DESC, ordinal DESC)`);
    await queryRunner.query(`
      CREATE INDEX access_timeline_purpose_idx
        ON access_timeline (purpose, occurred_at DESC, event_id DESC, ordinal DESC)
        WHERE purpose IS NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX access_timeline_purpose_idx`);
    await queryRunner.query(`DROP INDEX access_timeline_time_idx`);
    // Change rows cannot live in the old shape; a rebuild of version 1 would not make them.
    await queryRunner.query(`DELETE FROM access_timeline WHERE kind NOT IN (${ACCESS_KINDS})`);
    await queryRunner.query(`
      ALTER TABLE access_timeline
        DROP CONSTRAINT access_timeline_kind_check,
        ADD CONSTRAINT access_timeline_kind_check CHECK (kind IN (${ACCESS_KINDS})),
        DROP COLUMN actor_roles,
        DROP COLUMN detail,
        ALTER COLUMN request_id SET NOT NULL,
        ALTER COLUMN route SET NOT NULL,
        ALTER COLUMN under_notice SET NOT NULL`);
  }
}
