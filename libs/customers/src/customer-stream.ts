import { isConsentEvent } from '@custodia/consent';
import { type CustomerAggregateEvent, isCustomerEvent } from './customer.events';

/**
 * One stream per customer (the data subject) holds the profile, the consents and the follow-ups:
 * a withdrawal and a write that relies on the consent cannot interleave (optimistic concurrency
 * on one stream), registration and its consents land in one append, and the stream matches the
 * customer's one encryption key.
 */
export const CUSTOMER_STREAM_PREFIX = 'Customer-';

export const customerStreamId = (customerId: string): string =>
  `${CUSTOMER_STREAM_PREFIX}${customerId}`;

/** The events of the stream the customer decider folds (follow-ups are folded by their own). */
export const isCustomerAggregateEvent = (event: {
  readonly type: string;
}): event is CustomerAggregateEvent => isCustomerEvent(event) || isConsentEvent(event);
