import { consentPersonalData, type PersonalFieldsMap } from '@custodia/consent';
import { customerPersonalData } from '@custodia/customers';
import type { CustomerStreamEvent } from './follow-up.events';
import { followUpPersonalData } from './follow-up.personal-data';

/** Every event type of the customer's stream with its personal fields: register them all at boot. */
export const customerStreamPersonalData: PersonalFieldsMap<CustomerStreamEvent['type']> = {
  ...consentPersonalData,
  ...customerPersonalData,
  ...followUpPersonalData,
};
