import type { PersonalFieldsMap } from '@custodia/consent';
import type { FollowUpEvent } from './follow-up.events';

/**
 * The summary and next step are free text and may hold anything the customer said: sealed under
 * the customer's key. Products, quote and order status are business fields, readable by finance.
 */
export const followUpPersonalData: PersonalFieldsMap<FollowUpEvent['type']> = {
  FollowUpLogged: { subject: 'customerId', fields: ['summary', 'nextStep'] },
};
