export type IdentityErrorCode =
  | 'IDENTITY.USER_EXISTS'
  | 'IDENTITY.USER_NOT_FOUND'
  | 'IDENTITY.USER_OFFBOARDED'
  | 'IDENTITY.INVALID_USER_ID'
  | 'IDENTITY.INVALID_DISPLAY_NAME'
  | 'IDENTITY.INVALID_TEAM'
  | 'IDENTITY.NO_ROLES'
  | 'IDENTITY.UNKNOWN_ROLE'
  | 'IDENTITY.TEAM_REQUIRED'
  | 'IDENTITY.INVALID_EFFECTIVE_AT'
  | 'IDENTITY.NO_NOTICE'
  | 'IDENTITY.NOTICE_NOT_DUE'
  | 'IDENTITY.FORBIDDEN';

/**
 * The identity context's one error. The message names the field and rule, never a value (a
 * display name is personal data); `field` is set when one input field is at fault.
 */
export class IdentityError extends Error {
  constructor(
    readonly code: IdentityErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'IdentityError';
  }
}
