import { ConsentError } from './consent.errors';
import { isIsoInstant } from './iso-time';
import type { Message } from './message';

/** How the customer expressed the choice; part of the proof of consent (GDPR art. 7(1)). */
export const consentChannels = [
  'web',
  'app',
  'wechat',
  'sms',
  'email',
  'phone',
  'paper',
  'in_person',
] as const;
export type ConsentChannel = (typeof consentChannels)[number];

export type GrantConsent = Message<
  'GrantConsent',
  {
    readonly customerId: string;
    readonly purpose: string;
    /** The notice shown, and the SHA-256 of the exact text shown (which names its language). */
    readonly noticeVersion: string;
    readonly noticeSha256: string;
    readonly channel: ConsentChannel;
    /** Where the proof is kept (form submission, recording); may identify the person. */
    readonly evidence?: string;
    /** The customer agreed to this purpose on its own (PIPL art. 29, sensitive fields). */
    readonly separate?: boolean;
    readonly grantedAt: string;
    readonly actorId: string;
  }
>;

/** Takes effect at once: from this event on, nothing may be stored or used for the purpose. */
export type WithdrawConsent = Message<
  'WithdrawConsent',
  {
    readonly customerId: string;
    readonly purpose: string;
    readonly channel: ConsentChannel;
    readonly withdrawnAt: string;
    readonly actorId: string;
  }
>;

/** A purpose resting on a basis other than consent (a contract…) starts for this customer. */
export type RecordLawfulBasis = Message<
  'RecordLawfulBasis',
  {
    readonly customerId: string;
    readonly purpose: string;
    readonly noticeVersion: string;
    readonly noticeSha256: string;
    /** E.g. the contract number; may identify the person. */
    readonly reference?: string;
    readonly recordedAt: string;
    readonly actorId: string;
  }
>;

export type EndLawfulBasis = Message<
  'EndLawfulBasis',
  {
    readonly customerId: string;
    readonly purpose: string;
    readonly endedAt: string;
    readonly actorId: string;
  }
>;

export type ConsentCommand = GrantConsent | WithdrawConsent | RecordLawfulBasis | EndLawfulBasis;

// Shape checks of the consent rules (kept out of the package index).
export const checkCommon = (data: { readonly customerId: unknown; readonly actorId: unknown }) => {
  if (typeof data.customerId !== 'string' || data.customerId === '') {
    throw fieldInvalid('customerId', 'must be a non-empty string');
  }
  if (typeof data.actorId !== 'string' || data.actorId === '') {
    throw fieldInvalid('actorId', 'must be a non-empty string');
  }
  return { customerId: data.customerId, actorId: data.actorId };
};

export const checkChannel = (channel: unknown): channel is ConsentChannel => {
  if ((consentChannels as readonly unknown[]).includes(channel)) return true;
  throw fieldInvalid('channel', `must be one of ${consentChannels.join(', ')}`);
};

export const checkInstant = (value: unknown, field: string): void => {
  if (!isIsoInstant(value)) throw fieldInvalid(field, 'must be an ISO-8601 date-time with offset');
};

export const optionalText = (value: unknown, field: string): string | undefined => {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && value.trim() !== '' && value.length <= 500) return value;
  throw fieldInvalid(field, 'must be a non-empty string of at most 500 characters');
};

export const fieldInvalid = (field: string, rule: string): ConsentError =>
  new ConsentError('CONSENT.FIELD_INVALID', `${field}: ${rule}`, field);
