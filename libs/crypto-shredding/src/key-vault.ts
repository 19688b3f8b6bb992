import { CryptoShreddingError } from './crypto-shredding.errors';
import type { DataKey } from './master-key';
import type { Erased } from './envelope';

/** What destroyKey did; `keyId` is undefined when the subject never had a key. */
export type KeyDestruction = {
  readonly subjectId: string;
  readonly keyId: string | undefined;
  readonly erasedAt: Date;
  /** The subject was erased before this call: nothing changed. */
  readonly alreadyErased: boolean;
};

/**
 * What the vault's own tables say about an erased subject, for an erasure certificate: no data key
 * row, and the time the erasure was recorded. Ids and times only, never key material.
 */
export type KeyAbsenceEvidence = {
  readonly subjectId: string;
  /** Id of the destroyed key, from the erasure record (null when the subject never had one). */
  readonly keyId: string | null;
  /** When the vault looked (the vault's clock, the one that dates erasures). */
  readonly checkedAt: Date;
  readonly dataKeyRows: 0;
  readonly erasureRecordedAt: Date;
};

/**
 * Data keys per subject. The encrypting event store asks for many subjects at once, so a page of
 * events costs one lookup, not one per event.
 */
export type KeyVault = {
  /** Gets or creates each subject's key; throws `CRYPTO.SUBJECT_ERASED` for an erased subject. */
  keysForEncryption(subjectIds: readonly string[]): Promise<ReadonlyMap<string, DataKey>>;
  /** The key or `ERASED` for each subject; a subject with neither is absent from the map. */
  keysForDecryption(subjectIds: readonly string[]): Promise<ReadonlyMap<string, DataKey | Erased>>;
  /**
   * Crypto-shredding: deletes the subject's wrapped key, records the erasure (no key material)
   * and evicts the key from every process. Idempotent. After it, the subject's envelopes read as
   * erased and nothing can be encrypted for the subject again.
   */
  destroyKey(subjectId: string): Promise<KeyDestruction>;
  /**
   * Proof that the subject's key is gone: throws `CRYPTO.KEY_NOT_DESTROYED` when no erasure is
   * recorded, or when a key exists despite the erasure record (a restored backup that
   * reconcile-keys has not cleaned yet).
   */
  keyAbsenceEvidence(subjectId: string): Promise<KeyAbsenceEvidence>;
  close(): Promise<void>;
};

/** Nest token of the application's key vault (the erasure use case injects it). */
export const KEY_VAULT = Symbol('KEY_VAULT');

/** The evidence, or the typed reason there is none. Shared by every vault. */
export const keyAbsenceEvidence = (found: {
  readonly subjectId: string;
  readonly keyId: string | null;
  readonly checkedAt: Date;
  readonly dataKeyRows: number;
  readonly erasureRecordedAt: Date | undefined;
}): KeyAbsenceEvidence => {
  const { subjectId, keyId, checkedAt, dataKeyRows, erasureRecordedAt } = found;
  if (erasureRecordedAt === undefined)
    throw new CryptoShreddingError(
      'CRYPTO.KEY_NOT_DESTROYED',
      `no erasure is recorded for subject ${subjectId}: its key has not been destroyed`,
    );
  if (dataKeyRows !== 0)
    throw new CryptoShreddingError(
      'CRYPTO.KEY_NOT_DESTROYED',
      `subject ${subjectId} is recorded as erased but still has a data key (restored backup? run reconcile-keys)`,
    );
  return { subjectId, keyId, checkedAt, dataKeyRows: 0, erasureRecordedAt };
};
