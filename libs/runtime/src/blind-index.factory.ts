import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { BlindIndex } from '@custodia/access';
import type { KeyVault } from '@custodia/crypto-shredding';

/**
 * The vault subject whose data key keys the blind index. Not a customer id (those are UUIDs), so
 * no erasure ever destroys it; wrapped under the master key like every data key, so
 * `rotate-master-key` re-wraps it and lookups keep working.
 */
export const BLIND_INDEX_SUBJECT = 'custodia:blind-index:v1';

/** The application's blind index; every process derives the same one from the vault. */
export const createBlindIndex = async (vault: KeyVault | undefined): Promise<BlindIndex> => {
  if (vault === undefined) {
    // Only when a test replaced the event store: lookups then work within this process only.
    new Logger('BlindIndex').warn('No key vault: the blind index key is this process’s own');
    return new BlindIndex(randomBytes(32));
  }
  const key = (await vault.keysForEncryption([BLIND_INDEX_SUBJECT])).get(BLIND_INDEX_SUBJECT);
  if (key === undefined) throw new Error('the key vault returned no blind index key');
  return new BlindIndex(key.key);
};
