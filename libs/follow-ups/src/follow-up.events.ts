import type { Message } from '@custodia/consent';
import { type CustomerAggregateEvent, isCustomerAggregateEvent } from '@custodia/customers';
import type { LogFollowUp } from './follow-up.commands';

export type FollowUpLogged = Message<'FollowUpLogged', LogFollowUp['data']>;

export type FollowUpEvent = FollowUpLogged;

/** Every event of a `Customer-<id>` stream: follow-ups live in the customer's stream. */
export type CustomerStreamEvent = CustomerAggregateEvent | FollowUpEvent;

export const followUpEventTypes: readonly FollowUpEvent['type'][] = ['FollowUpLogged'];

export const isFollowUpEvent = (event: { readonly type: string }): event is FollowUpEvent =>
  (followUpEventTypes as readonly string[]).includes(event.type);

export const isCustomerStreamEvent = (event: {
  readonly type: string;
}): event is CustomerStreamEvent => isFollowUpEvent(event) || isCustomerAggregateEvent(event);
