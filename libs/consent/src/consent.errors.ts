export type ConsentErrorCode =
  /** config/purposes.json or a notice text is wrong: the message lists every problem found. */
  | 'CONSENT.CATALOG_INVALID'
  | 'CONSENT.PURPOSE_UNKNOWN'
  /** Consent asked of a purpose resting on another lawful basis, or the reverse. */
  | 'CONSENT.BASIS_MISMATCH'
  | 'CONSENT.NOTICE_UNKNOWN'
  | 'CONSENT.NOTICE_NOT_COVERING_PURPOSE'
  /** The hash of the text shown is not the hash of any text of that notice version. */
  | 'CONSENT.NOTICE_HASH_MISMATCH'
  /** PIPL art. 29: sensitive personal information needs a separate consent. */
  | 'CONSENT.SEPARATE_CONSENT_REQUIRED'
  | 'CONSENT.NOT_GRANTED'
  | 'CONSENT.FIELD_INVALID';

/**
 * The consent context's one error. Messages name the field and the rule, never a value the
 * customer gave (they end up in problem+json responses and logs).
 */
export class ConsentError extends Error {
  constructor(
    readonly code: ConsentErrorCode,
    message: string,
    /** The command field at fault, for problem+json `errors[].field`. */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ConsentError';
  }
}
