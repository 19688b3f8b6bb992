import type { PersonalFieldsMap } from '@custodia/consent';
import type { LegalHoldEvent, PrivacyRequestEvent } from './privacy.events';

/**
 * For the encrypting event store: free text about a person (a note, a reason) is sealed under the
 * customer's key, so erasing the customer shreds it too. Ids, codes and times stay in clear.
 */
export const privacyPersonalData: PersonalFieldsMap<
  PrivacyRequestEvent['type'] | LegalHoldEvent['type']
> = {
  PrivacyRequestReceived: { subject: 'customerId', fields: ['note'] },
  PrivacyRequestVerified: { subject: 'customerId', fields: [] },
  PrivacyRequestStarted: { subject: 'customerId', fields: [] },
  PrivacyRequestExtended: { subject: 'customerId', fields: ['reason'] },
  PrivacyRequestDeferred: { subject: 'customerId', fields: [] },
  PrivacyRequestResumed: { subject: 'customerId', fields: [] },
  PrivacyRequestRejected: { subject: 'customerId', fields: ['reason'] },
  PrivacyRequestCompleted: { subject: 'customerId', fields: [] },
  LegalHoldPlaced: { subject: 'customerId', fields: ['reason'] },
  LegalHoldLifted: { subject: 'customerId', fields: [] },
};
