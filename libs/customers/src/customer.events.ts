import type { ConsentEvent, Message } from '@custodia/consent';
import type { CustomerProfile, ProfileField } from './customer-profile';

/** Profile fields sit at the top level of the data, where the encrypting store seals them. */
export type CustomerRegistered = Message<
  'CustomerRegistered',
  CustomerProfile & {
    readonly customerId: string;
    readonly ownerId: string;
    readonly team: string;
    readonly registeredAt: string;
    readonly actorId: string;
  }
>;

/** Only the fields that changed, and the names of those removed (data minimisation). */
export type CustomerProfileUpdated = Message<
  'CustomerProfileUpdated',
  Partial<CustomerProfile> & {
    readonly customerId: string;
    readonly removed: readonly ProfileField[];
    readonly updatedAt: string;
    readonly actorId: string;
  }
>;

export type CustomerOwnerChanged = Message<
  'CustomerOwnerChanged',
  {
    readonly customerId: string;
    readonly previousOwnerId: string;
    readonly ownerId: string;
    readonly previousTeam: string;
    readonly team: string;
    readonly changedAt: string;
    readonly actorId: string;
  }
>;

/** The customer was erased: holds ids and times only, never a personal value. */
export type CustomerErased = Message<
  'CustomerErased',
  {
    readonly customerId: string;
    readonly requestId: string;
    readonly keyId?: string;
    readonly erasedAt: string;
    readonly actorId: string;
  }
>;

export type CustomerEvent =
  CustomerRegistered | CustomerProfileUpdated | CustomerOwnerChanged | CustomerErased;

/** Everything the customer decider folds: its own events and the consents in the same stream. */
export type CustomerAggregateEvent = CustomerEvent | ConsentEvent;

export const customerEventTypes: readonly CustomerEvent['type'][] = [
  'CustomerRegistered',
  'CustomerProfileUpdated',
  'CustomerOwnerChanged',
  'CustomerErased',
];

export const isCustomerEvent = (event: { readonly type: string }): event is CustomerEvent =>
  (customerEventTypes as readonly string[]).includes(event.type);
