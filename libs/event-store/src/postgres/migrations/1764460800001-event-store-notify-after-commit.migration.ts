import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Drops the NOTIFY trigger: a transaction that notifies holds a server-wide lock from its
 * pre-commit through its WAL flush, so notifying appends committed one at a time (no group
 * commit; 8 writers ran at 0.2x a plain INSERT). The store now notifies after the commit
 * (PostgresNotifier.announce), outside the writers' transactions.
 */
export class EventStoreNotifyAfterCommit1764460800001 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER events_notify ON events`);
    await queryRunner.query(`DROP FUNCTION events_notify()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('custodia_events', '');
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER events_notify AFTER INSERT ON events
      FOR EACH STATEMENT EXECUTE FUNCTION events_notify()`);
  }
}
