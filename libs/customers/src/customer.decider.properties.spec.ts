import fc from 'fast-check';
import { type ConsentInput, type LawfulBasisInput } from './customer.commands';
import {
  aConsentInput,
  aPurposeCatalog,
  aRegisterCustomer,
  noticeFor,
  profileArb,
} from '@custodia/testing';
import { isSensitiveField, purposesCovering } from '@custodia/consent';
import { CustomerError } from './customer.errors';
import { createCustomerDecider } from './customer.decider';
import { type CustomerProfile, profileFields } from './customer-profile';

const catalog = aPurposeCatalog();
const sut = createCustomerDecider(catalog);

const register = (
  profile: CustomerProfile,
  consents: ConsentInput[],
  lawfulBases: LawfulBasisInput[] = [],
) => sut.decide(aRegisterCustomer({ profile, consents, lawfulBases }), sut.initialState());

/** The purposes needed to cover a profile: the follow-up, plus service and credit as needed. */
const coveringBases = (profile: CustomerProfile) => ({
  consents: [
    aConsentInput(),
    ...(profile.idNumber !== undefined || profile.income !== undefined
      ? [aConsentInput('credit_assessment')]
      : []),
  ],
  lawfulBases:
    profile.address === undefined ? [] : [{ purpose: 'service', ...noticeFor('service') }],
});

describe('RegisterCustomer (properties)', () => {
  it('accepts any valid profile whose fields are all covered, and stores it as given', () => {
    fc.assert(
      fc.property(profileArb, (profile) => {
        const { consents, lawfulBases } = coveringBases(profile);
        const [registered] = register(profile, consents, lawfulBases);
        const {
          customerId: _id,
          ownerId: _o,
          team: _t,
          registeredAt: _r,
          actorId: _a,
          ...stored
        } = registered.data as Record<string, unknown>;
        expect(stored).toEqual(profile);
      }),
    );
  });

  it('refuses any profile with a field no granted purpose covers, naming that field', () => {
    const purposes = ['sales_followup', 'marketing', 'credit_assessment', 'analytics'];
    fc.assert(
      fc.property(profileArb, fc.subarray(purposes), (profile, granted) => {
        const consents = granted.map((purpose) => aConsentInput(purpose));
        const uncovered = profileFields.find(
          (field) =>
            profile[field] !== undefined &&
            !purposesCovering(catalog, field).some((purpose) => granted.includes(purpose.id)),
        );
        if (uncovered === undefined) {
          expect(register(profile, consents)[0].type).toBe('CustomerRegistered');
          return;
        }
        let refusal: unknown;
        try {
          register(profile, consents);
        } catch (error) {
          refusal = error;
        }
        expect(refusal).toBeInstanceOf(CustomerError);
        expect(refusal).toMatchObject({
          code: isSensitiveField(uncovered)
            ? 'CUSTOMER.SEPARATE_CONSENT_REQUIRED'
            : 'CUSTOMER.FIELD_NOT_COVERED',
          field: `profile.${uncovered}`,
        });
        // The message names the field, never its value (numbers and short IDs could match by chance).
        const value = profile[uncovered];
        if (typeof value === 'string' && /[\d\u4e00-\u9fff]{2}/.test(value)) {
          expect((refusal as Error).message).not.toContain(value);
        }
      }),
    );
  });
});
