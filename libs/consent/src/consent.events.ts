import type { ConsentChannel } from './consent.commands';
import type { Message } from './message';
import type { LawfulBasis } from './purpose-catalog';

export type ConsentGranted = Message<
  'ConsentGranted',
  {
    readonly customerId: string;
    readonly purpose: string;
    readonly noticeVersion: string;
    readonly noticeSha256: string;
    /** Derived from the hash: the language of the text the customer saw. */
    readonly noticeLanguage: string;
    readonly channel: ConsentChannel;
    readonly evidence?: string;
    readonly separate: boolean;
    readonly grantedAt: string;
    readonly actorId: string;
  }
>;

export type ConsentWithdrawn = Message<
  'ConsentWithdrawn',
  {
    readonly customerId: string;
    readonly purpose: string;
    readonly channel: ConsentChannel;
    readonly withdrawnAt: string;
    readonly actorId: string;
  }
>;

export type LawfulBasisRecorded = Message<
  'LawfulBasisRecorded',
  {
    readonly customerId: string;
    readonly purpose: string;
    readonly lawfulBasis: Exclude<LawfulBasis, 'consent'>;
    readonly noticeVersion: string;
    readonly noticeSha256: string;
    readonly noticeLanguage: string;
    readonly reference?: string;
    readonly recordedAt: string;
    readonly actorId: string;
  }
>;

export type LawfulBasisEnded = Message<
  'LawfulBasisEnded',
  {
    readonly customerId: string;
    readonly purpose: string;
    readonly endedAt: string;
    readonly actorId: string;
  }
>;

export type ConsentEvent =
  ConsentGranted | ConsentWithdrawn | LawfulBasisRecorded | LawfulBasisEnded;

export const consentEventTypes: readonly ConsentEvent['type'][] = [
  'ConsentGranted',
  'ConsentWithdrawn',
  'LawfulBasisRecorded',
  'LawfulBasisEnded',
];

export const isConsentEvent = (event: { readonly type: string }): event is ConsentEvent =>
  (consentEventTypes as readonly string[]).includes(event.type);
