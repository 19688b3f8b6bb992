import { ConsentError, type ConsentErrorCode } from '@custodia/consent';
import { CustomerError, type CustomerErrorCode } from '@custodia/customers';
import { FollowUpError, type FollowUpErrorCode } from '@custodia/follow-ups';
import { codedProblem, type ProblemInit } from './problem-details';

type Code = ConsentErrorCode | CustomerErrorCode | FollowUpErrorCode;

// 400: the request is malformed; 404: no such customer; 410: erased; 409: the stream's state refuses it;
// 422: well-formed, but the law (purpose, consent, notice) does not allow it.
const STATUS: Readonly<Record<Code, number>> = {
  'CONSENT.CATALOG_INVALID': 500,
  'CONSENT.PURPOSE_UNKNOWN': 422,
  'CONSENT.BASIS_MISMATCH': 422,
  'CONSENT.NOTICE_UNKNOWN': 422,
  'CONSENT.NOTICE_NOT_COVERING_PURPOSE': 422,
  'CONSENT.NOTICE_HASH_MISMATCH': 422,
  'CONSENT.SEPARATE_CONSENT_REQUIRED': 422,
  'CONSENT.NOT_GRANTED': 409,
  'CONSENT.FIELD_INVALID': 400,
  'CUSTOMER.ALREADY_REGISTERED': 409,
  'CUSTOMER.NOT_FOUND': 404,
  'CUSTOMER.ERASED': 410,
  'CUSTOMER.FIELD_UNKNOWN': 400,
  'CUSTOMER.FIELD_REQUIRED': 400,
  'CUSTOMER.FIELD_INVALID': 400,
  'CUSTOMER.FIELD_NOT_COVERED': 422,
  'CUSTOMER.SEPARATE_CONSENT_REQUIRED': 422,
  'CUSTOMER.PURPOSE_REPEATED': 400,
  'FOLLOW_UP.CUSTOMER_NOT_FOUND': 404,
  'FOLLOW_UP.CUSTOMER_ERASED': 410,
  'FOLLOW_UP.ALREADY_LOGGED': 409,
  'FOLLOW_UP.PURPOSE_UNKNOWN': 422,
  'FOLLOW_UP.PURPOSE_NOT_ACTIVE': 422,
  'FOLLOW_UP.FIELD_NOT_COVERED': 422,
  'FOLLOW_UP.FIELD_INVALID': 400,
};

/** `CUSTOMER.FIELD_NOT_COVERED` → `customer-field-not-covered`. */
/**
 * The consent, customers and follow-ups errors as problem+json, naming the field and the rule.
 * Their messages are written never to hold a value; undefined for any other error.
 */
export const customerStreamProblem = (error: unknown): ProblemInit | undefined => {
  if (
    !(error instanceof ConsentError) &&
    !(error instanceof CustomerError) &&
    !(error instanceof FollowUpError)
  ) {
    return undefined;
  }
  const status = STATUS[error.code];
  if (status >= 500) return undefined;
  return codedProblem(error, status);
};
