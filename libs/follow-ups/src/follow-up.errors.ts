export type FollowUpErrorCode =
  | 'FOLLOW_UP.CUSTOMER_NOT_FOUND'
  | 'FOLLOW_UP.CUSTOMER_ERASED'
  | 'FOLLOW_UP.ALREADY_LOGGED'
  | 'FOLLOW_UP.PURPOSE_UNKNOWN'
  /** No active consent (or other lawful basis) for the purpose at the time of the interaction. */
  | 'FOLLOW_UP.PURPOSE_NOT_ACTIVE'
  /** The record holds a field its purpose does not list (use beyond purpose, PIPL art. 6). */
  | 'FOLLOW_UP.FIELD_NOT_COVERED'
  | 'FOLLOW_UP.FIELD_INVALID';

/** The follow-ups context's one error: messages name the field and rule, never its value. */
export class FollowUpError extends Error {
  constructor(
    readonly code: FollowUpErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'FollowUpError';
  }
}
