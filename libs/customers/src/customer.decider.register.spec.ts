import {
  aConsentGranted,
  aConsentInput,
  aCustomerRegistered,
  aFullProfile,
  aLawfulBasisRecorded,
  anIdNumber,
  aProfile,
  aPurposeCatalog,
  aRegisterCustomer,
  CUSTOMER_ID,
  deciderSpec,
  noticeFor,
} from '@custodia/testing';
import { CustomerError } from './customer.errors';
import { type CustomerAggregateCommand, createCustomerDecider } from './customer.decider';

const sut = createCustomerDecider(aPurposeCatalog());
const spec = deciderSpec(sut);

/** The error a command is refused with, from an empty stream. */
const refusal = (command: CustomerAggregateCommand): CustomerError => {
  try {
    sut.decide(command, sut.initialState());
  } catch (error) {
    if (error instanceof CustomerError) return error;
    throw error;
  }
  throw new Error('the command was accepted');
};

describe('RegisterCustomer', () => {
  it('registers the customer, then the consents given with it, in one decision', () => {
    spec.given([]).when(aRegisterCustomer()).then([aCustomerRegistered(), aConsentGranted()]);
  });

  it('stores fields covered by several purposes, and a contract basis given with it', () => {
    const profile = aProfile({ address: '上海市浦东新区世纪大道100号' });
    spec
      .given([])
      .when(
        aRegisterCustomer({
          profile,
          consents: [aConsentInput(), aConsentInput('marketing')],
          lawfulBases: [{ purpose: 'service', ...noticeFor('service'), reference: 'C-2025-7' }],
        }),
      )
      .then([
        aCustomerRegistered(profile),
        aConsentGranted(),
        aConsentGranted({ purpose: 'marketing' }),
        aLawfulBasisRecorded({ reference: 'C-2025-7' }),
      ]);
  });

  it('stores sensitive fields under a separate consent (PIPL art. 29)', () => {
    const profile = aProfile({ idNumber: anIdNumber(), income: 360_000 });
    spec
      .given([])
      .when(
        aRegisterCustomer({
          profile,
          consents: [aConsentInput(), aConsentInput('credit_assessment')],
        }),
      )
      .then([
        aCustomerRegistered(profile),
        aConsentGranted(),
        aConsentGranted({ purpose: 'credit_assessment' }),
      ]);
  });

  it('normalises the phone number and the ID number check digit', () => {
    const given = aProfile({ phone: '+86 138-1234-5678', idNumber: '11010519491231002x' });
    const stored = aProfile({ phone: '13812345678', idNumber: '11010519491231002X' });
    spec
      .given([])
      .when(
        aRegisterCustomer({
          profile: given,
          consents: [aConsentInput(), aConsentInput('credit_assessment')],
        }),
      )
      .then([
        aCustomerRegistered(stored),
        aConsentGranted(),
        aConsentGranted({ purpose: 'credit_assessment' }),
      ]);
  });

  it('refuses a field no active purpose covers, naming it and the purposes that would', () => {
    const command = aRegisterCustomer({ profile: aProfile({ address: '上海市' }) });
    spec.given([]).when(command).thenThrows('CUSTOMER.FIELD_NOT_COVERED');
    expect(refusal(command).message).toBe(
      'profile.address: no active purpose covers this field (minimum necessity, PIPL art. 6); purposes covering it: service',
    );
    spec
      .given([])
      .when(aRegisterCustomer({ consents: [] }))
      .thenThrows('CUSTOMER.FIELD_NOT_COVERED');
  });

  it('refuses sensitive fields without a separate consent covering them', () => {
    const command = aRegisterCustomer({ profile: aProfile({ idNumber: anIdNumber() }) });
    spec.given([]).when(command).thenThrows('CUSTOMER.SEPARATE_CONSENT_REQUIRED');
    expect(refusal(command).message).toBe(
      'profile.idNumber: sensitive personal information is stored only under an active separate consent for a purpose covering it (PIPL art. 29); purposes covering it: credit_assessment',
    );
    spec
      .given([])
      .when(aRegisterCustomer({ profile: aFullProfile(), consents: [aConsentInput()] }))
      .thenThrows('CUSTOMER.FIELD_NOT_COVERED');
    spec
      .given([])
      .when(
        aRegisterCustomer({
          profile: aProfile({ income: 1 }),
          consents: [aConsentInput(), aConsentInput('credit_assessment', { separate: false })],
        }),
      )
      .thenThrows('CONSENT.SEPARATE_CONSENT_REQUIRED');
  });

  it('refuses the consents it carries by the consent rules', () => {
    spec
      .given([])
      .when(aRegisterCustomer({ consents: [aConsentInput('astrology')] }))
      .thenThrows('CONSENT.PURPOSE_UNKNOWN');
    spec
      .given([])
      .when(
        aRegisterCustomer({
          consents: [aConsentInput('sales_followup', noticeFor('credit_assessment'))],
        }),
      )
      .thenThrows('CONSENT.NOTICE_NOT_COVERING_PURPOSE');
    spec
      .given([])
      .when(aRegisterCustomer({ consents: [aConsentInput(), aConsentInput()] }))
      .thenThrows('CUSTOMER.PURPOSE_REPEATED');
  });

  it('refuses a customer already registered', () => {
    spec
      .given([aCustomerRegistered()])
      .when(aRegisterCustomer())
      .thenThrows('CUSTOMER.ALREADY_REGISTERED');
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['profile.name', { name: undefined }, 'CUSTOMER.FIELD_REQUIRED'],
    ['profile.phone', { phone: undefined }, 'CUSTOMER.FIELD_REQUIRED'],
    ['profile.phone', { phone: '12812345678' }, 'CUSTOMER.FIELD_INVALID'],
    ['profile.phone', { phone: 13812345678 }, 'CUSTOMER.FIELD_INVALID'],
    ['profile.email', { email: 'zhang.wei.example.com' }, 'CUSTOMER.FIELD_INVALID'],
    ['profile.wechat', { wechat: '1' }, 'CUSTOMER.FIELD_INVALID'],
    ['profile.name', { name: '   ' }, 'CUSTOMER.FIELD_INVALID'],
    ['profile.idNumber', { idNumber: '110105194912310021' }, 'CUSTOMER.FIELD_INVALID'],
    ['profile.income', { income: -1 }, 'CUSTOMER.FIELD_INVALID'],
    ['profile.income', { income: '360000' }, 'CUSTOMER.FIELD_INVALID'],
    ['profile', { shoeSize: 42 }, 'CUSTOMER.FIELD_UNKNOWN'],
  ])('refuses %s (%p) before anything else', (field, change, code) => {
    const command = aRegisterCustomer({ profile: { ...aProfile(), ...change } });
    spec.given([]).when(command).thenThrows(code);
    expect(refusal(command).field).toBe(field);
  });

  it.each([
    ['ownerId', { ownerId: '' }],
    ['team', { team: 7 }],
    ['actorId', { actorId: ' ' }],
    ['occurredAt', { occurredAt: '2025-06-01 08:00' }],
    ['consents', { consents: 'sales_followup' }],
    ['profile', { profile: null }],
  ])('refuses an invalid %s', (field, change) => {
    const command = aRegisterCustomer(change as never);
    spec.given([]).when(command).thenThrows('CUSTOMER.FIELD_INVALID');
    expect(refusal(command).field).toBe(field);
  });

  it('never echoes a value in a refusal', () => {
    const canary = { phone: '12899990000', idNumber: '110105199003071299', email: 'canary@x' };
    for (const [field, value] of Object.entries(canary)) {
      const error = refusal(aRegisterCustomer({ profile: { ...aProfile(), [field]: value } }));
      expect(error.message).toContain(`profile.${field}`);
      expect(error.message).not.toContain(value);
    }
    const unknown = refusal(aRegisterCustomer({ profile: { ...aProfile(), 张伟: 1 } as never }));
    expect(unknown.message).not.toContain('张伟');
  });

  it('records the customer id of the command in every event', () => {
    const events = sut.decide(aRegisterCustomer(), sut.initialState());
    expect(events.every((event) => event.data.customerId === CUSTOMER_ID)).toBe(true);
  });
});
