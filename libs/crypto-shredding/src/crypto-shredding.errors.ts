export type CryptoShreddingErrorCode =
  /** Authentication failed: ciphertext, IV or bound data (subject, event, field) changed. */
  | 'CRYPTO.TAMPERED'
  /** Not a well-formed `{ $enc: 1, kid, iv, ct }` envelope. */
  | 'CRYPTO.MALFORMED_ENVELOPE'
  /** The subject's key was destroyed: nothing may be encrypted for it again. */
  | 'CRYPTO.SUBJECT_ERASED'
  /** An event of a registered type does not name its subject. */
  | 'CRYPTO.SUBJECT_MISSING'
  /** An envelope refers to a subject that has neither a key nor an erasure record. */
  | 'CRYPTO.KEY_NOT_FOUND'
  /** The configured master key is not the one that wraps the stored data keys. */
  | 'CRYPTO.MASTER_KEY_MISMATCH'
  | 'CRYPTO.INVALID_MASTER_KEY'
  | 'CRYPTO.INVALID_DECLARATION'
  | 'CRYPTO.VAULT_CLOSED'
  /** Proof of erasure asked for a subject whose key still exists (or was never destroyed). */
  | 'CRYPTO.KEY_NOT_DESTROYED';

/**
 * The one error of the crypto-shredding library. Messages name the rule, the event id or the
 * field, never a personal value, a ciphertext or key material.
 */
export class CryptoShreddingError extends Error {
  constructor(
    readonly code: CryptoShreddingErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CryptoShreddingError';
  }
}
