import { isPersonalField, type PersonalFieldsMap } from '@custodia/consent';
import type { CustomerEvent } from './customer.events';
import { profileFields } from './customer-profile';

// Derived from the field catalog, so a field classified personal there is sealed here too.
const personalProfileFields = profileFields.filter(isPersonalField);

/** For the encrypting event store: which data fields of each event type hold personal data. */
export const customerPersonalData: PersonalFieldsMap<CustomerEvent['type']> = {
  CustomerRegistered: { subject: 'customerId', fields: personalProfileFields },
  CustomerProfileUpdated: { subject: 'customerId', fields: personalProfileFields },
  CustomerOwnerChanged: { subject: 'customerId', fields: [] },
  CustomerErased: { subject: 'customerId', fields: [] },
};
