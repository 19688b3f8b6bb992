import type { DenialReason } from '@custodia/access';
import { ProblemException } from '../http/problem-details';

const DETAIL: Readonly<Record<DenialReason, string>> = {
  PURPOSE_UNKNOWN: 'X-Purpose: no such purpose in the catalog (GET /v1/purposes)',
  PURPOSE_NOT_ALLOWED_FOR_ROLE: 'X-Purpose: your roles may not use this purpose',
  OUT_OF_SCOPE: 'customerId: no such customer',
  PURPOSE_NOT_COVERED:
    "X-Purpose: the customer's consent or other lawful basis does not cover this purpose",
};

/**
 * A refused read as problem+json. Out of scope reads as 404, like the write side, so ids cannot
 * be probed; the purpose refusals are 403. None names a value.
 */
export const deniedProblem = (reason: DenialReason): ProblemException => {
  const outOfScope = reason === 'OUT_OF_SCOPE';
  return new ProblemException({
    status: outOfScope ? 404 : 403,
    slug: outOfScope ? 'customer-not-found' : `access-${reason.toLowerCase().replace(/_/g, '-')}`,
    title: outOfScope ? 'Not Found' : 'Forbidden',
    detail: DETAIL[reason],
    code: outOfScope ? 'CUSTOMER.NOT_FOUND' : `ACCESS.${reason}`,
    errors: [{ field: outOfScope ? 'customerId' : 'X-Purpose', rule: DETAIL[reason] }],
  });
};

export const customerNotFound = (): ProblemException =>
  new ProblemException({
    status: 404,
    slug: 'customer-not-found',
    title: 'Not Found',
    detail: 'customerId: no such customer',
    code: 'CUSTOMER.NOT_FOUND',
  });

/**
 * The customer was erased (crypto-shredded): nothing of them can be read, revealed or exported
 * any more. Only answered once the caller's scope covers the tombstone (otherwise 404).
 */
export const customerErased = (): ProblemException =>
  new ProblemException({
    status: 410,
    slug: 'customer-erased',
    title: 'Gone',
    detail: 'customerId: the customer was erased',
    code: 'CUSTOMER.ERASED',
    errors: [{ field: 'customerId', rule: 'CUSTOMER.ERASED' }],
  });
