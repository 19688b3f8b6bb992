import {
  type ConsentState,
  evolveConsent,
  type FieldName,
  initialConsentState,
  isConsentEvent,
} from '@custodia/consent';
import { type CustomerEvent, isCustomerEvent, profileFields } from '@custodia/customers';
import type { RecordedEvent } from '@custodia/event-store';
import { fold } from '@custodia/platform';
import { catalogFieldOf } from '@custodia/follow-ups';
import {
  actorAt,
  type Actor,
  USER_EVENT_TYPES,
  type UserEvent,
  userDecider,
} from '@custodia/identity';

/**
 * When the system knew of an event: the decision's clock (`metadata.now`), else when the log
 * recorded it. "As of `at`" folds exactly the events known by then, as live reads saw them.
 */
export const knownAt = (event: RecordedEvent): number => {
  const now = typeof event.metadata.now === 'string' ? Date.parse(event.metadata.now) : NaN;
  return Number.isNaN(now) ? event.recordedAt.getTime() : now;
};

const asOf = (events: readonly RecordedEvent[], at: Date): RecordedEvent[] =>
  events.filter((event) => knownAt(event) <= at.getTime());

/**
 * Whom a user could act as at `at` (the same `actorAt` as authentication): undefined when not
 * yet registered, offboarded, or past the effective time of a notice by then.
 */
export const actorAsOf = (events: readonly RecordedEvent[], at: Date): Actor | undefined => {
  const isUserEvent = (event: RecordedEvent): boolean =>
    (USER_EVENT_TYPES as readonly string[]).includes(event.type);
  const userEvents = asOf(events, at).filter(isUserEvent) as unknown as UserEvent[];
  return actorAt(fold(userDecider, userEvents), at);
};

/** What the policy needs of a customer at a time: ids, codes and field names, no value. */
export type CustomerAsOf = {
  readonly customerId: string;
  /** False when the customer was registered after `at` (nobody could see it then). */
  readonly registered: boolean;
  readonly ownerId: string | null;
  readonly team: string | null;
  readonly consent: ConsentState;
  /** The catalog fields held for the customer (profile fields set, follow-up fields used). */
  readonly fieldsHeld: readonly FieldName[];
  readonly erasedAt: string | null;
};

type Fold = Omit<CustomerAsOf, 'fieldsHeld'> & { readonly fieldsHeld: ReadonlySet<FieldName> };

const keysOf = (data: object): FieldName[] =>
  profileFields.filter((field) => (data as Record<string, unknown>)[field] !== undefined);

const evolveCustomerFacts = (state: Fold, event: CustomerEvent): Fold => {
  switch (event.type) {
    case 'CustomerRegistered':
      return {
        ...state,
        registered: true,
        ownerId: event.data.ownerId,
        team: event.data.team,
        fieldsHeld: new Set(keysOf(event.data)),
      };
    case 'CustomerProfileUpdated': {
      const held = new Set([...state.fieldsHeld, ...keysOf(event.data)]);
      for (const field of event.data.removed) held.delete(field);
      return { ...state, fieldsHeld: held };
    }
    case 'CustomerOwnerChanged':
      return { ...state, ownerId: event.data.ownerId, team: event.data.team };
    case 'CustomerErased':
      return { ...state, erasedAt: event.data.erasedAt, fieldsHeld: new Set() };
    default: {
      const unexpected: never = event;
      return unexpected;
    }
  }
};

/**
 * Folds the customer's stream up to `at`: owner and team, the consents and other bases (with
 * the consent context's own `evolveConsent`, as the customer decider does), and which fields
 * are held. Reads keys and ids only, so it says the same before and after an erasure.
 */
export const customerAsOf = (
  customerId: string,
  events: readonly RecordedEvent[],
  at: Date,
): CustomerAsOf => {
  let state: Fold = {
    customerId,
    registered: false,
    ownerId: null,
    team: null,
    consent: initialConsentState(),
    fieldsHeld: new Set(),
    erasedAt: null,
  };
  for (const event of asOf(events, at)) {
    if (isCustomerEvent(event)) {
      state = evolveCustomerFacts(state, event);
    } else if (isConsentEvent(event)) {
      state = { ...state, consent: evolveConsent(state.consent, event) };
    } else if (event.type === 'FollowUpLogged' && state.erasedAt === null) {
      const used = Object.entries(catalogFieldOf)
        .filter(([part]) => event.data[part] !== undefined)
        .map(([, field]) => field);
      state = { ...state, fieldsHeld: new Set([...state.fieldsHeld, ...used]) };
    }
  }
  return { ...state, fieldsHeld: [...state.fieldsHeld].sort() };
};
