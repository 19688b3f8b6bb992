export type PrivacyErrorCode =
  | 'PRIVACY.REQUEST_NOT_FOUND'
  | 'PRIVACY.REQUEST_EXISTS'
  | 'PRIVACY.CUSTOMER_NOT_FOUND'
  | 'PRIVACY.FIELD_INVALID'
  /** The command does not apply in the request's current state. */
  | 'PRIVACY.INVALID_TRANSITION'
  | 'PRIVACY.REASON_REQUIRED'
  | 'PRIVACY.ALREADY_EXTENDED'
  /** Deferring needs at least one active legal hold. */
  | 'PRIVACY.NO_ACTIVE_HOLD'
  /** Resuming while a hold still applies. */
  | 'PRIVACY.HOLD_ACTIVE'
  | 'PRIVACY.HOLD_EXISTS'
  | 'PRIVACY.HOLD_NOT_FOUND';

/**
 * The privacy context's one error. The message names the field and the rule, never a value (a
 * reason or a note is personal data); `field` is set when one input field is at fault.
 */
export class PrivacyError extends Error {
  constructor(
    readonly code: PrivacyErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'PrivacyError';
  }
}
