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
  close(): Promise<void>;
};

/** Nest token of the application's key vault (the erasure use case injects it). */
export const KEY_VAULT = Symbol('KEY_VAULT');
