import { PrivacyError, type PrivacyErrorCode } from '@custodia/privacy';
import { codedProblem, type ProblemInit } from '../http/problem-details';

// 400: malformed; 404: no such request, hold or customer; 409: the request's state refuses it.
const STATUS: Readonly<Record<PrivacyErrorCode, number>> = {
  'PRIVACY.REQUEST_NOT_FOUND': 404,
  'PRIVACY.REQUEST_EXISTS': 409,
  'PRIVACY.CUSTOMER_NOT_FOUND': 404,
  'PRIVACY.FIELD_INVALID': 400,
  'PRIVACY.INVALID_TRANSITION': 409,
  'PRIVACY.REASON_REQUIRED': 400,
  'PRIVACY.ALREADY_EXTENDED': 409,
  'PRIVACY.NO_ACTIVE_HOLD': 409,
  'PRIVACY.HOLD_ACTIVE': 409,
  'PRIVACY.HOLD_EXISTS': 409,
  'PRIVACY.HOLD_NOT_FOUND': 404,
};

/**
 * The privacy context's errors as problem+json, wherever they are thrown (the global filter
 * asks); their messages never hold a value. Undefined for any other error.
 */
export const privacyProblem = (error: unknown): ProblemInit | undefined => {
  if (!(error instanceof PrivacyError)) return undefined;
  return codedProblem(error, STATUS[error.code]);
};
