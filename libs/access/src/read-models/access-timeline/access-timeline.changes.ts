import {
  type ConsentEvent,
  consentEventTypes,
  type FieldName,
  isFieldName,
} from '@custodia/consent';
import { type CustomerEvent, customerEventTypes, profileFields } from '@custodia/customers';
import type { RecordedEvent } from '@custodia/event-store';
import { catalogFieldOf, type FollowUpLogged } from '@custodia/follow-ups';
import type { PrivacyRequestCompleted } from '@custodia/privacy';

/** Changes to a customer, each from one write-side event. */
export const changeKinds = [
  'registered',
  'updated',
  'corrected',
  'owner_changed',
  'consent_granted',
  'consent_withdrawn',
  'basis_recorded',
  'basis_ended',
  'follow_up_logged',
  'erased',
] as const;
export type ChangeKind = (typeof changeKinds)[number];

/** A field a change set or removed: its NAME, never its value. */
export type FieldChange = { readonly field: FieldName; readonly change: 'set' | 'removed' };

/** Ids and codes that say more about a change (owner ids, channel, lawful basis, request id). */
export type ChangeDetail = Readonly<Record<string, string | boolean>>;

export type ChangeEntry = {
  readonly kind: ChangeKind;
  readonly actorId: string;
  readonly purpose: string | null;
  readonly customerId: string;
  readonly fields: readonly FieldChange[];
  readonly detail: ChangeDetail;
  /** The correlation id of the request that made the change (a correction: its request id). */
  readonly requestId: string | null;
  readonly occurredAt: string;
};

export const changeEventTypes: readonly string[] = [
  ...customerEventTypes,
  ...consentEventTypes,
  'FollowUpLogged',
  'PrivacyRequestCompleted',
];

type ChangeEvent = CustomerEvent | ConsentEvent | FollowUpLogged | PrivacyRequestCompleted;

const set = (fields: readonly FieldName[]): FieldChange[] =>
  fields.map((field) => ({ field, change: 'set' }));

/** The profile fields an event's data carries (sealed or not: only the keys are read). */
const profileKeys = (data: object): FieldName[] =>
  profileFields.filter((field) => (data as Record<string, unknown>)[field] !== undefined);

/** The catalog fields a follow-up stores (summary and next step are both `followUpNotes`). */
const followUpFields = (data: object): FieldName[] => [
  ...new Set(
    (Object.keys(catalogFieldOf) as (keyof typeof catalogFieldOf)[])
      .filter((part) => (data as Record<string, unknown>)[part] !== undefined)
      .map((part) => catalogFieldOf[part]),
  ),
];

type Shape = Omit<ChangeEntry, 'actorId' | 'customerId' | 'requestId' | 'occurredAt'>;

const shapeOf = (event: ChangeEvent): Shape | undefined => {
  const none = { purpose: null, fields: [], detail: {} } as const;
  switch (event.type) {
    case 'CustomerRegistered': {
      const { ownerId, team } = event.data;
      return {
        ...none,
        kind: 'registered',
        fields: set(profileKeys(event.data)),
        detail: { ownerId, team },
      };
    }
    case 'CustomerProfileUpdated':
      return {
        ...none,
        kind: 'updated',
        fields: [
          ...set(profileKeys(event.data)),
          ...event.data.removed.map((field) => ({ field, change: 'removed' as const })),
        ],
      };
    case 'CustomerOwnerChanged': {
      const { previousOwnerId, ownerId, previousTeam, team } = event.data;
      return {
        ...none,
        kind: 'owner_changed',
        detail: { previousOwnerId, ownerId, previousTeam, team },
      };
    }
    case 'CustomerErased':
      return { ...none, kind: 'erased', detail: { requestId: event.data.requestId } };
    case 'ConsentGranted': {
      // `evidence` is free text: never here.
      const { purpose, channel, separate, noticeVersion } = event.data;
      return {
        ...none,
        kind: 'consent_granted',
        purpose,
        detail: { lawfulBasis: 'consent', channel, separate, noticeVersion },
      };
    }
    case 'ConsentWithdrawn':
      return {
        ...none,
        kind: 'consent_withdrawn',
        purpose: event.data.purpose,
        detail: { channel: event.data.channel },
      };
    case 'LawfulBasisRecorded': {
      // `reference` may be free text: never here.
      const { purpose, lawfulBasis, noticeVersion } = event.data;
      return { ...none, kind: 'basis_recorded', purpose, detail: { lawfulBasis, noticeVersion } };
    }
    case 'LawfulBasisEnded':
      return { ...none, kind: 'basis_ended', purpose: event.data.purpose };
    case 'FollowUpLogged': {
      const { purpose, followUpId, channel } = event.data;
      return {
        ...none,
        kind: 'follow_up_logged',
        purpose,
        fields: set(followUpFields(event.data)),
        detail: { followUpId, channel },
      };
    }
    case 'PrivacyRequestCompleted': {
      // A correction's outcome names the corrected fields; other requests change no field here
      // (an erasure is its own `CustomerErased`, an access copy is recorded as an access).
      const corrected = event.data.outcome.corrected;
      if (typeof corrected !== 'string') return undefined;
      const fields = corrected.split('+').filter(isFieldName);
      return {
        ...none,
        kind: 'corrected',
        fields: set(fields),
        detail: { requestId: event.data.requestId },
      };
    }
    default: {
      const unexpected: never = event;
      return unexpected;
    }
  }
};

/** The time of the act: the decision's clock (metadata), else when the log recorded it. */
const actedAt = (event: RecordedEvent): string =>
  typeof event.metadata.now === 'string' ? event.metadata.now : event.recordedAt.toISOString();

/** The change a write-side event records, or undefined for one that changes no customer. */
export const changeEntryOf = (event: RecordedEvent): ChangeEntry | undefined => {
  const change = event as unknown as ChangeEvent;
  const shape = shapeOf(change);
  if (shape === undefined) return undefined;
  const data = change.data as { customerId: string; actorId?: unknown };
  const actorId =
    typeof data.actorId === 'string'
      ? data.actorId
      : typeof event.metadata.actorId === 'string'
        ? event.metadata.actorId
        : 'system';
  return {
    ...shape,
    actorId,
    customerId: data.customerId,
    requestId: event.metadata.correlationId ?? null,
    occurredAt: actedAt(event),
  };
};
