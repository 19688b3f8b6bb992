import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * First use of data keys in one round trip: `crypto_create_data_keys` takes each subject's
 * advisory lock (the one `destroyKey` takes, in the same order), inserts the keys the caller
 * wrapped for subjects that have neither a key nor an erasure record, and returns every subject's
 * row as the vault loads them (the winner's key when processes race, `erased` for a tombstone).
 *
 * The function is VOLATILE and PL/pgSQL: under READ COMMITTED each statement in it takes a fresh
 * snapshot, so the erasure check after the lock sees an erasure committed while it waited.
 *
 * `deferred_flush` turns synchronous_commit off for this transaction only. The vault asks for
 * it only when the event log lives in the same PostgreSQL server: an append that uses the key
 * commits after it, durably, and flushing the WAL to the append's commit record flushes the key's
 * too (the WAL is one sequence). A crash can then lose only keys no durable event refers to.
 */
export class CryptoCreateDataKeys1796020000001 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION crypto_create_data_keys(
        subject_ids    text[],
        key_ids        uuid[],
        master_key_id  text,
        wrap_ivs       bytea[],
        wrapped_keys   bytea[],
        deferred_flush boolean
      )
      RETURNS TABLE (
        subject_id  text,
        key_id      text,
        kek_id      text,
        wrap_iv     bytea,
        wrapped_key bytea,
        erased      boolean
      )
      LANGUAGE plpgsql VOLATILE
      AS $fn$
      #variable_conflict use_column
      BEGIN
        PERFORM pg_advisory_xact_lock(lock_key)
        FROM (
          SELECT DISTINCT hashtextextended('custodia.crypto.subject:' || subject, 0) AS lock_key
          FROM unnest(subject_ids) AS subject
          ORDER BY lock_key
        ) AS ordered;
        IF deferred_flush THEN
          PERFORM set_config('synchronous_commit', 'off', true);
        END IF;
        INSERT INTO crypto_data_keys (subject_id, key_id, kek_id, wrap_iv, wrapped_key)
        SELECT fresh.subject_id, fresh.key_id, master_key_id, fresh.wrap_iv, fresh.wrapped_key
        FROM unnest(subject_ids, key_ids, wrap_ivs, wrapped_keys)
          AS fresh (subject_id, key_id, wrap_iv, wrapped_key)
        WHERE NOT EXISTS (
          SELECT 1 FROM crypto_erased_subjects erasure WHERE erasure.subject_id = fresh.subject_id
        )
        ON CONFLICT (subject_id) DO NOTHING;
        RETURN QUERY
          SELECT k.subject_id, k.key_id::text, k.kek_id, k.wrap_iv, k.wrapped_key, false
          FROM crypto_data_keys k WHERE k.subject_id = ANY(subject_ids)
          UNION ALL
          SELECT e.subject_id, NULL, NULL, NULL, NULL, true
          FROM crypto_erased_subjects e WHERE e.subject_id = ANY(subject_ids);
      END
      $fn$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `DROP FUNCTION crypto_create_data_keys(text[], uuid[], text, bytea[], bytea[], boolean)`,
    );
  }
}
