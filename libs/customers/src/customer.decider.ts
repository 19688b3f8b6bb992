import {
  type ConsentCommand,
  type ConsentEvent,
  type ConsentState,
  createConsentDecider,
  evolveConsent,
  initialConsentState,
  isIsoInstant,
  type PurposeCatalog,
  unreachable,
} from '@custodia/consent';
import type { Decider } from '@custodia/platform';
import {
  type CustomerCommand,
  type EraseCustomer,
  type RegisterCustomer,
  registrationBases,
  type TransferCustomerOwnership,
  type UpdateCustomerProfile,
} from './customer.commands';
import { CustomerError } from './customer.errors';
import type { CustomerAggregateEvent, CustomerEvent } from './customer.events';
import {
  checkProfile,
  checkProfileValue,
  type CustomerProfile,
  type ProfileField,
  profileEntries,
  requiredProfileFields,
} from './customer-profile';
import { assertFieldsCovered, presentFields } from './profile-coverage';

export type RegisteredCustomer = {
  readonly customerId: string;
  readonly profile: CustomerProfile;
  readonly ownerId: string;
  readonly team: string;
  readonly registeredAt: string;
  /** Set once the customer is erased: every later command is refused with CUSTOMER.ERASED. */
  readonly erasedAt?: string;
};

export type CustomerState = {
  readonly customer: RegisteredCustomer | undefined;
  readonly consent: ConsentState;
};

export type CustomerAggregateCommand = CustomerCommand | ConsentCommand;

export const initialCustomerState = (): CustomerState => ({
  customer: undefined,
  consent: initialConsentState(),
});

export const evolveCustomer = (
  state: CustomerState,
  event: CustomerAggregateEvent,
): CustomerState => {
  switch (event.type) {
    case 'CustomerRegistered': {
      const { customerId, ownerId, team, registeredAt, actorId: _actor, ...profile } = event.data;
      return { ...state, customer: { customerId, profile, ownerId, team, registeredAt } };
    }
    case 'CustomerProfileUpdated': {
      if (!state.customer) return state;
      const { customerId: _id, removed, updatedAt: _at, actorId: _actor, ...changes } = event.data;
      const profile: Record<string, unknown> = { ...state.customer.profile, ...changes };
      for (const field of removed) delete profile[field];
      return { ...state, customer: { ...state.customer, profile: profile as CustomerProfile } };
    }
    case 'CustomerOwnerChanged':
      if (!state.customer) return state;
      return {
        ...state,
        customer: { ...state.customer, ownerId: event.data.ownerId, team: event.data.team },
      };
    case 'CustomerErased':
      if (!state.customer) return state;
      return { ...state, customer: { ...state.customer, erasedAt: event.data.erasedAt } };
    case 'ConsentGranted':
    case 'ConsentWithdrawn':
    case 'LawfulBasisRecorded':
    case 'LawfulBasisEnded':
      return { ...state, consent: evolveConsent(state.consent, event) };
    default:
      return unreachable(event);
  }
};

/**
 * The customer aggregate: profile, owner, and the consents that make each field lawful to hold.
 * Consent commands go through the consent decider once the customer is known.
 */
export const createCustomerDecider = (
  catalog: PurposeCatalog,
): Decider<CustomerAggregateCommand, CustomerAggregateEvent, CustomerState> => {
  const consent = createConsentDecider(catalog);

  const register = (data: RegisterCustomer['data'], state: CustomerState) => {
    if (state.customer) {
      throw new CustomerError(
        'CUSTOMER.ALREADY_REGISTERED',
        'customerId: already registered',
        'customerId',
      );
    }
    const { customerId, ownerId, team, occurredAt, actorId } = data;
    checkIds({ customerId, ownerId, team, actorId });
    checkTime(occurredAt);
    const profile = checkProfile(data.profile, occurredAt);
    // Consents first in the decision, so the fields are checked against what they grant.
    let consentState = state.consent;
    const consentEvents: ConsentEvent[] = [];
    for (const command of registrationBases(data)) {
      const events = consent.decide(command, consentState);
      consentEvents.push(...events);
      consentState = events.reduce(evolveConsent, consentState);
    }
    assertFieldsCovered(presentFields(profile), consentState, catalog);
    const registered: CustomerEvent = {
      type: 'CustomerRegistered',
      data: { customerId, ...profile, ownerId, team, registeredAt: occurredAt, actorId },
    };
    return [registered, ...consentEvents];
  };

  const update = (data: UpdateCustomerProfile['data'], state: CustomerState): CustomerEvent[] => {
    const customer = requireCustomer(state, data.customerId);
    checkIds({ actorId: data.actorId });
    checkTime(data.occurredAt);
    const changed: Record<string, string | number> = {};
    const removed: ProfileField[] = [];
    for (const [field, value] of profileEntries(data.changes, 'changes')) {
      if (value === undefined) continue;
      if (value === null) {
        if (requiredProfileFields.includes(field)) {
          throw new CustomerError(
            'CUSTOMER.FIELD_REQUIRED',
            `profile.${field}: is required and cannot be removed`,
            `profile.${field}`,
          );
        }
        // Removing data needs no purpose: it is always allowed.
        if (customer.profile[field] !== undefined) removed.push(field);
        continue;
      }
      const checked = checkProfileValue(field, value, data.occurredAt);
      if (checked !== customer.profile[field]) changed[field] = checked;
    }
    assertFieldsCovered(Object.keys(changed) as ProfileField[], state.consent, catalog);
    if (Object.keys(changed).length === 0 && removed.length === 0) return [];
    const { customerId } = customer;
    const { occurredAt: updatedAt, actorId } = data;
    return [
      {
        type: 'CustomerProfileUpdated',
        data: { customerId, ...changed, removed, updatedAt, actorId },
      },
    ];
  };

  const transfer = (
    data: TransferCustomerOwnership['data'],
    state: CustomerState,
  ): CustomerEvent[] => {
    const customer = requireCustomer(state, data.customerId);
    const team = data.team ?? customer.team;
    checkIds({ ownerId: data.ownerId, team, actorId: data.actorId });
    checkTime(data.occurredAt);
    // Handing a customer to their current owner is a retry, not a change.
    if (data.ownerId === customer.ownerId && team === customer.team) return [];
    return [
      {
        type: 'CustomerOwnerChanged',
        data: {
          customerId: customer.customerId,
          previousOwnerId: customer.ownerId,
          ownerId: data.ownerId,
          previousTeam: customer.team,
          team,
          changedAt: data.occurredAt,
          actorId: data.actorId,
        },
      },
    ];
  };

  const erase = (data: EraseCustomer['data'], state: CustomerState): CustomerEvent[] => {
    if (state.customer?.erasedAt !== undefined && state.customer.customerId === data.customerId) {
      return []; // a retry of the same erasure
    }
    const customer = requireCustomer(state, data.customerId);
    checkIds({ actorId: data.actorId });
    checkTime(data.occurredAt);
    if (typeof data.requestId !== 'string' || data.requestId === '') {
      throw new CustomerError('CUSTOMER.FIELD_INVALID', 'requestId: required', 'requestId');
    }
    return [
      {
        type: 'CustomerErased',
        data: {
          customerId: customer.customerId,
          requestId: data.requestId,
          ...(data.keyId === undefined ? {} : { keyId: data.keyId }),
          erasedAt: data.occurredAt,
          actorId: data.actorId,
        },
      },
    ];
  };

  return {
    initialState: initialCustomerState,
    evolve: evolveCustomer,
    decide: (command, state) => {
      switch (command.type) {
        case 'RegisterCustomer':
          return register(command.data, state);
        case 'EraseCustomer':
          return erase(command.data, state);
        case 'UpdateCustomerProfile':
          return update(command.data, state);
        case 'TransferCustomerOwnership':
          return transfer(command.data, state);
        case 'GrantConsent':
        case 'WithdrawConsent':
        case 'RecordLawfulBasis':
        case 'EndLawfulBasis':
          requireCustomer(state, command.data.customerId);
          return consent.decide(command, state.consent);
        default:
          return unreachable(command);
      }
    },
  };
};

const requireCustomer = (state: CustomerState, customerId: unknown): RegisteredCustomer => {
  if (!state.customer) {
    throw new CustomerError('CUSTOMER.NOT_FOUND', 'customerId: no such customer', 'customerId');
  }
  if (state.customer.erasedAt !== undefined) {
    throw new CustomerError('CUSTOMER.ERASED', 'customerId: the customer was erased', 'customerId');
  }
  if (customerId !== state.customer.customerId) {
    throw new CustomerError(
      'CUSTOMER.FIELD_INVALID',
      "customerId: does not name this stream's customer",
      'customerId',
    );
  }
  return state.customer;
};

const checkIds = (ids: Readonly<Record<string, unknown>>): void => {
  for (const [field, value] of Object.entries(ids)) {
    if (typeof value !== 'string' || value.trim() === '' || value.length > 100) {
      throw new CustomerError(
        'CUSTOMER.FIELD_INVALID',
        `${field}: must be a non-empty string of at most 100 characters`,
        field,
      );
    }
  }
};

const checkTime = (value: unknown): void => {
  if (!isIsoInstant(value)) {
    throw new CustomerError(
      'CUSTOMER.FIELD_INVALID',
      'occurredAt: must be an ISO-8601 date-time with offset',
      'occurredAt',
    );
  }
};
