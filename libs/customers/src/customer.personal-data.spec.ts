import fc from 'fast-check';
import { fieldCatalog } from '@custodia/consent';
import { aCustomerRegistered, aFullProfile, profileArb } from '@custodia/testing';
import type { CustomerEvent } from './customer.events';
import { customerPersonalData } from './customer.personal-data';
import { profileFields } from './customer-profile';

/** What an event keeps in plaintext once the encrypting store sealed its declared fields. */
const plaintext = (event: CustomerEvent): Record<string, unknown> => {
  const sealed = new Set(customerPersonalData[event.type].fields);
  return Object.fromEntries(Object.entries(event.data).filter(([key]) => !sealed.has(key)));
};

describe('customerPersonalData', () => {
  it('seals every personal profile field and leaves business fields readable', () => {
    expect(customerPersonalData.CustomerRegistered).toEqual({
      subject: 'customerId',
      fields: ['name', 'phone', 'email', 'wechat', 'address', 'idNumber', 'income'],
    });
    expect(customerPersonalData.CustomerProfileUpdated.fields).toEqual(
      customerPersonalData.CustomerRegistered.fields,
    );
    const kept = plaintext(aCustomerRegistered(aFullProfile()));
    expect(Object.keys(kept).sort()).toEqual(
      ['actorId', 'company', 'customerId', 'ownerId', 'registeredAt', 'team'].sort(),
    );
  });

  it('leaves no personal value of any profile in plaintext', () => {
    fc.assert(
      fc.property(profileArb, (profile) => {
        const events: CustomerEvent[] = [
          aCustomerRegistered(profile),
          {
            type: 'CustomerProfileUpdated',
            data: { customerId: 'c', ...profile, removed: [], updatedAt: 't', actorId: 'a' },
          },
        ];
        for (const event of events) {
          const kept = JSON.stringify(plaintext(event));
          for (const field of profileFields) {
            const value = profile[field];
            if (fieldCatalog[field].personal && typeof value === 'string' && value.length >= 6) {
              expect(kept).not.toContain(value);
            }
          }
        }
      }),
    );
  });

  it('never seals the subject (the encrypting store keys on it)', () => {
    for (const declaration of Object.values(customerPersonalData)) {
      expect(declaration.fields).not.toContain(declaration.subject);
    }
  });
});
