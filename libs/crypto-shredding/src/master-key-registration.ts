import type { Pool } from 'pg';
import { CryptoShreddingError } from './crypto-shredding.errors';
import * as sql from './key-vault.sql';
import type { MasterKey } from './master-key';
import { inTransaction } from './pg-transaction';

export const masterKeyMismatch = (master: MasterKey, detail: string): CryptoShreddingError =>
  new CryptoShreddingError(
    'CRYPTO.MASTER_KEY_MISMATCH',
    `master key ${master.id} is not the master key of the stored data keys (${detail}); ` +
      'configure the key they were wrapped with, or the one rotate-master-key switched to',
  );

/**
 * Registers the master key on an empty vault, or checks that it is the registered one. A
 * process with another key stops here, before it could wrap a key nobody else can open.
 */
export const registerMasterKey = (pool: Pool, master: MasterKey): Promise<void> =>
  inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [sql.MASTER_KEY_LOCK]);
    const stored = (await client.query<{ kek_id: string }>(sql.MASTER_KEYS)).rows;
    if (stored.length === 0) {
      await client.query(sql.REGISTER_MASTER_KEY, [master.id]);
    } else if (!stored.some((row) => row.kek_id === master.id)) {
      throw masterKeyMismatch(
        master,
        `they are wrapped by ${stored.map((row) => row.kek_id).join(', ')}`,
      );
    }
  });
