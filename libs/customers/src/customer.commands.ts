import type { ConsentCommand, GrantConsent, Message, RecordLawfulBasis } from '@custodia/consent';
import { CustomerError } from './customer.errors';
import type { CustomerProfile, ProfilePatch } from './customer-profile';

/** A consent given together with the registration: time, actor and customer come from it. */
export type ConsentInput = Omit<GrantConsent['data'], 'customerId' | 'grantedAt' | 'actorId'>;
export type LawfulBasisInput = Omit<
  RecordLawfulBasis['data'],
  'customerId' | 'recordedAt' | 'actorId'
>;

export type RegisterCustomer = Message<
  'RegisterCustomer',
  {
    readonly customerId: string;
    readonly profile: CustomerProfile;
    /** The sales rep in charge, and their team. */
    readonly ownerId: string;
    readonly team: string;
    /** Granted in the same append, so no field is ever stored before its purpose is active. */
    readonly consents: readonly ConsentInput[];
    readonly lawfulBases?: readonly LawfulBasisInput[];
    readonly occurredAt: string;
    readonly actorId: string;
  }
>;

export type UpdateCustomerProfile = Message<
  'UpdateCustomerProfile',
  {
    readonly customerId: string;
    readonly changes: ProfilePatch;
    readonly occurredAt: string;
    readonly actorId: string;
  }
>;

/** Handover (a rep leaves, accounts are rebalanced); `team` defaults to the current one. */
export type TransferCustomerOwnership = Message<
  'TransferCustomerOwnership',
  {
    readonly customerId: string;
    readonly ownerId: string;
    readonly team?: string;
    readonly occurredAt: string;
    readonly actorId: string;
  }
>;

/**
 * Erasure, recorded after the customer's data key was destroyed (crypto-shredding): the stream
 * stays, every sealed value in it reads as erased, and nothing may be added to it again.
 */
export type EraseCustomer = Message<
  'EraseCustomer',
  {
    readonly customerId: string;
    /** The privacy request that ordered it. */
    readonly requestId: string;
    /** The destroyed data key's id; undefined when the customer never had one. */
    readonly keyId?: string;
    readonly occurredAt: string;
    readonly actorId: string;
  }
>;

export type CustomerCommand =
  RegisterCustomer | UpdateCustomerProfile | TransferCustomerOwnership | EraseCustomer;

/** The grants and bases given with a registration, as consent commands; a purpose at most once. */
export const registrationBases = (data: RegisterCustomer['data']): ConsentCommand[] => {
  const { customerId, occurredAt, actorId } = data;
  const consents = listOf(data.consents, 'consents');
  const lawfulBases = data.lawfulBases === undefined ? [] : listOf(data.lawfulBases, 'lawfulBases');
  const commands: ConsentCommand[] = [
    ...consents.map((input): ConsentCommand => ({
      type: 'GrantConsent',
      data: { ...input, customerId, grantedAt: occurredAt, actorId },
    })),
    ...lawfulBases.map((input): ConsentCommand => ({
      type: 'RecordLawfulBasis',
      data: { ...input, customerId, recordedAt: occurredAt, actorId },
    })),
  ];
  const purposes = commands.map((command) => command.data.purpose);
  if (new Set(purposes).size !== purposes.length) {
    throw new CustomerError(
      'CUSTOMER.PURPOSE_REPEATED',
      'consents: each purpose may be granted or recorded once per registration',
      'consents',
    );
  }
  return commands;
};

// Typed as an array, but a command may come from JSON: check what arrived.
const listOf = <T>(value: readonly T[], field: string): readonly T[] => {
  const arrived: unknown = value;
  if (Array.isArray(arrived)) return value;
  throw new CustomerError('CUSTOMER.FIELD_INVALID', `${field}: must be an array`, field);
};
