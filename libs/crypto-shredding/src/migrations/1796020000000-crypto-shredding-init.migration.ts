import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The key vault's tables, kept apart from the event store: the master keys (ids only) that wrap
 * data keys, one wrapped data key per subject, and the erasure records that forbid a subject
 * from ever getting a key again. No table here holds a key in the clear.
 */
export class CryptoShreddingInit1796020000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE crypto_master_keys (
        kek_id        text        NOT NULL,
        registered_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT crypto_master_keys_pkey PRIMARY KEY (kek_id),
        CONSTRAINT crypto_master_keys_kek_id_check CHECK (kek_id ~ '^[0-9a-f]{16}$')
      )`);
    // kek_id references the master key that wrapped the row: a process holding a retired
    // master key cannot add a key under it (the foreign key fails once rotation removed it).
    await queryRunner.query(`
      CREATE TABLE crypto_data_keys (
        subject_id   text        NOT NULL,
        key_id       uuid        NOT NULL,
        kek_id       text        NOT NULL,
        wrap_iv      bytea       NOT NULL,
        wrapped_key  bytea       NOT NULL,
        created_at   timestamptz NOT NULL DEFAULT now(),
        rewrapped_at timestamptz NULL,
        CONSTRAINT crypto_data_keys_pkey PRIMARY KEY (subject_id),
        CONSTRAINT crypto_data_keys_key_id_key UNIQUE (key_id),
        CONSTRAINT crypto_data_keys_kek_id_fkey FOREIGN KEY (kek_id)
          REFERENCES crypto_master_keys (kek_id),
        CONSTRAINT crypto_data_keys_wrap_iv_check CHECK (octet_length(wrap_iv) = 12),
        CONSTRAINT crypto_data_keys_wrapped_key_check CHECK (octet_length(wrapped_key) = 48)
      )`);
    await queryRunner.query(
      `CREATE INDEX crypto_data_keys_kek_id_idx ON crypto_data_keys (kek_id)`,
    );
    // A tombstone: who was erased and when (and which key died), never key material.
    await queryRunner.query(`
      CREATE TABLE crypto_erased_subjects (
        subject_id text        NOT NULL,
        key_id     uuid        NULL,
        erased_at  timestamptz NOT NULL,
        CONSTRAINT crypto_erased_subjects_pkey PRIMARY KEY (subject_id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE crypto_erased_subjects`);
    await queryRunner.query(`DROP TABLE crypto_data_keys`);
    await queryRunner.query(`DROP TABLE crypto_master_keys`);
  }
}
