import type { Pool, PoolClient } from 'pg';
import { CryptoShreddingError } from './crypto-shredding.errors';
import * as sql from './key-vault.sql';
import { inTransaction } from './pg-transaction';
import { type MasterKey, masterKeyFrom, unwrapDataKey, wrapDataKey } from './master-key';

export type RotateMasterKeyOptions = {
  readonly pool: Pool;
  /** The master key the stored data keys are wrapped with now (the configured one). */
  readonly current: Buffer | MasterKey;
  readonly next: Buffer | MasterKey;
  /** Keys re-wrapped per round trip. */
  readonly batchSize?: number;
  readonly onProgress?: (done: number, total: number) => void;
};

export type MasterKeyRotation = {
  readonly from: string;
  readonly to: string;
  readonly rewrapped: number;
};

type StoredKey = { subject_id: string; key_id: string; wrap_iv: Buffer; wrapped_key: Buffer };

const PAGE = `
  SELECT subject_id, key_id::text, wrap_iv, wrapped_key FROM crypto_data_keys
  WHERE subject_id > $1 ORDER BY subject_id LIMIT $2`;

const REWRAP = `
  UPDATE crypto_data_keys AS k
  SET kek_id = $1, wrap_iv = u.wrap_iv, wrapped_key = u.wrapped_key, rewrapped_at = now()
  FROM unnest($2::text[], $3::bytea[], $4::bytea[]) AS u (subject_id, wrap_iv, wrapped_key)
  WHERE k.subject_id = u.subject_id`;

const asMaster = (key: Buffer | MasterKey): MasterKey =>
  Buffer.isBuffer(key) ? masterKeyFrom(key) : key;

const checkRegistered = async (client: PoolClient, from: MasterKey, to: MasterKey) => {
  const stored = (await client.query<{ kek_id: string }>(sql.MASTER_KEYS)).rows.map(
    (r) => r.kek_id,
  );
  if (stored.length === 1 && stored[0] === from.id) return;
  const detail = stored.includes(to.id)
    ? `the data keys are already wrapped by ${to.id}: switch the configuration to that key`
    : `the data keys are wrapped by ${stored.join(', ') || 'no master key yet'}, not by ${from.id}`;
  throw new CryptoShreddingError('CRYPTO.MASTER_KEY_MISMATCH', `cannot rotate: ${detail}`);
};

/**
 * Re-wraps every data key under a new master key in one transaction; no event is read or
 * written. Creating or destroying keys waits meanwhile (the table is locked against writes,
 * reads go on). Afterwards only the new master key opens the keys: restart every process with
 * it. Runs with a wrong current key are refused before anything changes.
 */
export const rotateMasterKey = async (
  options: RotateMasterKeyOptions,
): Promise<MasterKeyRotation> => {
  const from = asMaster(options.current);
  const to = asMaster(options.next);
  if (from.id === to.id)
    throw new CryptoShreddingError(
      'CRYPTO.INVALID_MASTER_KEY',
      'the new master key is the current one',
    );
  const batchSize = options.batchSize ?? 1_000;
  return await inTransaction(options.pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [sql.MASTER_KEY_LOCK]);
    await client.query('LOCK TABLE crypto_data_keys IN EXCLUSIVE MODE');
    await checkRegistered(client, from, to);
    const [{ total }] = (
      await client.query<{ total: number }>('SELECT count(*)::int AS total FROM crypto_data_keys')
    ).rows;
    options.onProgress?.(0, total);
    await client.query(sql.REGISTER_MASTER_KEY, [to.id]);
    let done = 0;
    let after = '';
    for (;;) {
      const page = (await client.query<StoredKey>(PAGE, [after, batchSize])).rows;
      if (page.length === 0) break;
      const rewrapped = page.map((row) => {
        const key = unwrapDataKey(from, {
          subjectId: row.subject_id,
          keyId: row.key_id,
          iv: row.wrap_iv,
          wrapped: row.wrapped_key,
        });
        return wrapDataKey(to, key);
      });
      await client.query(REWRAP, [
        to.id,
        rewrapped.map((key) => key.subjectId),
        rewrapped.map((key) => key.iv),
        rewrapped.map((key) => key.wrapped),
      ]);
      done += page.length;
      after = page[page.length - 1].subject_id;
      options.onProgress?.(done, total);
    }
    // Fails (foreign key) if any key were still wrapped by the old master key.
    await client.query('DELETE FROM crypto_master_keys WHERE kek_id = $1', [from.id]);
    return { from: from.id, to: to.id, rewrapped: done };
  });
};
