import { ProblemException } from '../http/problem-details';

/**
 * One answer for every authentication failure (missing, malformed, expired, unsigned, wrongly
 * signed, unknown or offboarded user), so a caller cannot tell which check failed.
 */
export const unauthenticated = (): ProblemException =>
  new ProblemException({
    status: 401,
    slug: 'unauthenticated',
    title: 'Unauthorized',
    detail: 'A valid bearer token for an active user is required.',
    code: 'AUTH.UNAUTHENTICATED',
  });

export const forbidden = (): ProblemException =>
  new ProblemException({
    status: 403,
    slug: 'forbidden',
    title: 'Forbidden',
    detail: 'Your roles do not allow this action.',
    code: 'AUTH.FORBIDDEN',
  });

/** The identity provider's keys could not be fetched: not the caller's fault. */
export const keysUnavailable = (): ProblemException =>
  new ProblemException({
    status: 503,
    slug: 'auth-keys-unavailable',
    title: 'Service Unavailable',
    detail: 'The keys to verify tokens are unavailable; retry later.',
    code: 'AUTH.KEYS_UNAVAILABLE',
  });
