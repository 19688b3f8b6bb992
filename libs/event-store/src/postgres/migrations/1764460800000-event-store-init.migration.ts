import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The append-only log. `transaction_id` (xid8) is what makes the global order gap-safe: readers
 * only see rows whose transaction is older than every transaction still running, and walk them
 * by `(transaction_id, global_position)` (the technique of event-driven-io/emmett).
 */
export class EventStoreInit1764460800000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE events (
        global_position bigint      GENERATED ALWAYS AS IDENTITY,
        transaction_id  xid8        NOT NULL DEFAULT pg_current_xact_id(),
        stream_id       text        NOT NULL,
        revision        bigint      NOT NULL CHECK (revision >= 0),
        event_id        uuid        NOT NULL,
        type            text        NOT NULL,
        data            jsonb       NOT NULL,
        metadata        jsonb       NOT NULL,
        recorded_at     timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT events_pkey PRIMARY KEY (global_position),
        -- optimistic concurrency: two writers cannot both take the next revision of a stream
        CONSTRAINT events_stream_revision_key UNIQUE (stream_id, revision),
        -- idempotent appends: an event id is stored once
        CONSTRAINT events_event_id_key UNIQUE (event_id)
      )`);
    // readAll, subscriptions and headPosition walk the log in this order.
    await queryRunner.query(`
      CREATE INDEX events_global_order_idx ON events (transaction_id, global_position)`);

    // Wakes subscribers (LISTEN custodia_events) when the appending transaction commits.
    // The payload stays empty: event data never travels outside the table.
    await queryRunner.query(`
      CREATE FUNCTION events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('custodia_events', '');
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER events_notify AFTER INSERT ON events
      FOR EACH STATEMENT EXECUTE FUNCTION events_notify()`);

    // Append-only: history is never rewritten (erasure is crypto-shredding, not DELETE).
    await queryRunner.query(`
      CREATE FUNCTION events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'events are append-only' USING ERRCODE = 'restrict_violation';
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
      FOR EACH STATEMENT EXECUTE FUNCTION events_refuse_change()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE events`);
    await queryRunner.query(`DROP FUNCTION events_refuse_change()`);
    await queryRunner.query(`DROP FUNCTION events_notify()`);
  }
}
