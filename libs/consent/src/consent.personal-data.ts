import type { ConsentEvent } from './consent.events';
import type { PersonalFieldsMap } from './message';

/** Evidence and contract references can point at a person: encrypted under the customer's key. */
export const consentPersonalData: PersonalFieldsMap<ConsentEvent['type']> = {
  ConsentGranted: { subject: 'customerId', fields: ['evidence'] },
  ConsentWithdrawn: { subject: 'customerId', fields: [] },
  LawfulBasisRecorded: { subject: 'customerId', fields: ['reference'] },
  LawfulBasisEnded: { subject: 'customerId', fields: [] },
};
