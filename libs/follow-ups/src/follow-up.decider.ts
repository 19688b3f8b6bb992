import {
  type ConsentState,
  evolveConsent,
  initialConsentState,
  isIsoInstant,
  isPurposeActive,
  type Purpose,
  type PurposeCatalog,
  unreachable,
} from '@custodia/consent';
import type { Decider } from '@custodia/platform';
import type { FollowUpCommand, LogFollowUp } from './follow-up.commands';
import { FollowUpError } from './follow-up.errors';
import type { CustomerStreamEvent, FollowUpEvent } from './follow-up.events';
import { checkContent, invalid, partsUsed } from './follow-up-content';

/** What logging a follow-up needs to know of the customer's stream. */
export type FollowUpState = {
  readonly customerId: string | undefined;
  /** Erased customers take no follow-up again. */
  readonly erased: boolean;
  readonly consent: ConsentState;
  readonly loggedIds: ReadonlySet<string>;
};

export const initialFollowUpState = (): FollowUpState => ({
  customerId: undefined,
  erased: false,
  consent: initialConsentState(),
  loggedIds: new Set(),
});

export const evolveFollowUps = (
  state: FollowUpState,
  event: CustomerStreamEvent,
): FollowUpState => {
  switch (event.type) {
    case 'CustomerRegistered':
      return { ...state, customerId: event.data.customerId };
    case 'CustomerProfileUpdated':
    case 'CustomerOwnerChanged':
      return state;
    case 'CustomerErased':
      return { ...state, erased: true };
    case 'ConsentGranted':
    case 'ConsentWithdrawn':
    case 'LawfulBasisRecorded':
    case 'LawfulBasisEnded':
      return { ...state, consent: evolveConsent(state.consent, event) };
    case 'FollowUpLogged':
      return { ...state, loggedIds: new Set(state.loggedIds).add(event.data.followUpId) };
    default:
      return unreachable(event);
  }
};

/**
 * Follow-ups, decided on the customer's whole stream: the purpose's consent (or other basis) must
 * have been active when the interaction happened and still be now, since a withdrawal takes
 * effect at once; and the record may hold only fields its purpose lists.
 */
export const createFollowUpDecider = (
  catalog: PurposeCatalog,
): Decider<FollowUpCommand, CustomerStreamEvent, FollowUpState> => ({
  initialState: initialFollowUpState,
  evolve: evolveFollowUps,
  decide: (command, state): FollowUpEvent[] => {
    switch (command.type) {
      case 'LogFollowUp':
        return [logFollowUp(catalog, command.data, state)];
      default:
        // A one-type union does not narrow to never, but its discriminant does.
        return unreachable(command.type);
    }
  },
});

const logFollowUp = (
  catalog: PurposeCatalog,
  data: LogFollowUp['data'],
  state: FollowUpState,
): FollowUpEvent => {
  if (state.customerId === undefined) {
    throw new FollowUpError(
      'FOLLOW_UP.CUSTOMER_NOT_FOUND',
      'customerId: no such customer',
      'customerId',
    );
  }
  if (data.customerId !== state.customerId) {
    throw invalid('customerId', "does not name this stream's customer");
  }
  if (state.erased) {
    throw new FollowUpError(
      'FOLLOW_UP.CUSTOMER_ERASED',
      'customerId: the customer was erased',
      'customerId',
    );
  }
  for (const field of ['followUpId', 'actorId'] as const) {
    const value: unknown = data[field];
    if (typeof value !== 'string' || value.trim() === '' || value.length > 100) {
      throw invalid(field, 'must be a non-empty string of at most 100 characters');
    }
  }
  if (state.loggedIds.has(data.followUpId)) {
    throw new FollowUpError(
      'FOLLOW_UP.ALREADY_LOGGED',
      'followUpId: already logged for this customer',
      'followUpId',
    );
  }
  for (const field of ['occurredAt', 'recordedAt'] as const) {
    if (!isIsoInstant(data[field]))
      throw invalid(field, 'must be an ISO-8601 date-time with offset');
  }
  if (Date.parse(data.occurredAt) > Date.parse(data.recordedAt)) {
    throw invalid('occurredAt', 'must not be after recordedAt (no follow-ups in the future)');
  }
  checkContent(data);
  const purpose = requireActivePurpose(catalog, state, data.purpose, data.occurredAt);
  for (const [part, field] of partsUsed(data)) {
    if (!purpose.fields.includes(field)) {
      throw new FollowUpError(
        'FOLLOW_UP.FIELD_NOT_COVERED',
        `${part}: stores ${field}, which purpose ${purpose.id} does not list (use beyond purpose, PIPL art. 6)`,
        part,
      );
    }
  }
  return { type: 'FollowUpLogged', data: pickContent(data) };
};

const requireActivePurpose = (
  catalog: PurposeCatalog,
  state: FollowUpState,
  id: unknown,
  occurredAt: string,
): Purpose => {
  const purpose = typeof id === 'string' ? catalog.purposes.get(id) : undefined;
  if (!purpose) {
    throw new FollowUpError(
      'FOLLOW_UP.PURPOSE_UNKNOWN',
      'purpose: not in the purpose catalog',
      'purpose',
    );
  }
  if (!isPurposeActive(state.consent, purpose.id)) {
    throw new FollowUpError(
      'FOLLOW_UP.PURPOSE_NOT_ACTIVE',
      `purpose: ${purpose.id} has no active ${purpose.lawfulBasis === 'consent' ? 'consent' : 'lawful basis'} for this customer`,
      'purpose',
    );
  }
  if (!isPurposeActive(state.consent, purpose.id, occurredAt)) {
    throw new FollowUpError(
      'FOLLOW_UP.PURPOSE_NOT_ACTIVE',
      `occurredAt: purpose ${purpose.id} was not yet active for this customer at that time`,
      'occurredAt',
    );
  }
  return purpose;
};

/** Only the known parts reach the event: a stray property would be stored unclassified. */
const pickContent = (data: LogFollowUp['data']): LogFollowUp['data'] => {
  const { customerId, followUpId, purpose, channel, occurredAt, summary } = data;
  const optional = {
    nextStep: data.nextStep,
    nextFollowUpAt: data.nextFollowUpAt,
    products: data.products && [...data.products],
    quote: data.quote && { amount: data.quote.amount, currency: data.quote.currency },
    orderStatus: data.orderStatus,
  };
  const present = Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined));
  const { recordedAt, actorId } = data;
  return {
    customerId,
    followUpId,
    purpose,
    channel,
    occurredAt,
    summary,
    ...present,
    recordedAt,
    actorId,
  };
};
