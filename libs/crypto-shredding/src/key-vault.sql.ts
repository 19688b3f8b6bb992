/** The key vault's statements, in one place so review sees every query it makes. */

/** Channel of erasure notifications; the payload is the subject id, nothing else. */
export const ERASURE_CHANNEL = 'custodia_crypto_erasures';

/** Serialises master key registration and rotation across processes. */
export const MASTER_KEY_LOCK = 7_362_913_101;

/** One advisory lock per subject: creating and destroying its key never interleave. */
export const LOCK_SUBJECTS = `
  SELECT pg_advisory_xact_lock(lock_key)
  FROM (
    SELECT DISTINCT hashtextextended('custodia.crypto.subject:' || subject_id, 0) AS lock_key
    FROM unnest($1::text[]) AS subject_id
    ORDER BY lock_key
  ) AS ordered`;

export const MASTER_KEYS = `SELECT kek_id FROM crypto_master_keys ORDER BY kek_id`;

export const REGISTER_MASTER_KEY = `
  INSERT INTO crypto_master_keys (kek_id) VALUES ($1) ON CONFLICT (kek_id) DO NOTHING`;

export type KeyRow = {
  subject_id: string;
  key_id: string | null;
  kek_id: string | null;
  wrap_iv: Buffer | null;
  wrapped_key: Buffer | null;
  erased: boolean;
};

/** Keys and erasure records of many subjects in one round trip. */
export const LOAD_KEYS = `
  SELECT subject_id, key_id::text, kek_id, wrap_iv, wrapped_key, false AS erased
  FROM crypto_data_keys WHERE subject_id = ANY($1::text[])
  UNION ALL
  SELECT subject_id, NULL, NULL, NULL, NULL, true
  FROM crypto_erased_subjects WHERE subject_id = ANY($1::text[])`;

/**
 * Locks, erasure check, insert and load in one round trip (see the migration that creates the
 * function): losers of a first-use race insert nothing and get the winner's row back.
 */
export const CREATE_KEYS = `
  SELECT subject_id, key_id, kek_id, wrap_iv, wrapped_key, erased
  FROM crypto_create_data_keys($1::text[], $2::uuid[], $3, $4::bytea[], $5::bytea[], $6)`;

export const RECORD_ERASURE = `
  INSERT INTO crypto_erased_subjects (subject_id, key_id, erased_at)
  SELECT $1, (SELECT key_id FROM crypto_data_keys WHERE subject_id = $1), $2
  ON CONFLICT (subject_id) DO NOTHING
  RETURNING erased_at`;

export const ERASURE_OF = `SELECT erased_at FROM crypto_erased_subjects WHERE subject_id = $1`;

export const DELETE_KEY = `DELETE FROM crypto_data_keys WHERE subject_id = $1 RETURNING key_id::text`;

/** Delivered at commit, to every listening process (this one included). */
export const NOTIFY_ERASURE = `SELECT pg_notify('${ERASURE_CHANNEL}', $1)`;

export const LISTEN_ERASURES = `LISTEN ${ERASURE_CHANNEL}`;

export type KeyAbsenceRow = {
  data_key_rows: number;
  erased_at: Date | null;
  key_id: string | null;
};

/** Key rows and the erasure record of one subject, read in one snapshot. */
export const KEY_ABSENCE = `
  SELECT (SELECT count(*)::int FROM crypto_data_keys WHERE subject_id = $1) AS data_key_rows,
         erasure.erased_at, erasure.key_id::text
  FROM (SELECT 1) AS one
  LEFT JOIN crypto_erased_subjects AS erasure ON erasure.subject_id = $1`;
