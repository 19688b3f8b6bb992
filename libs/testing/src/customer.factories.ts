import type {
  ConsentInput,
  CustomerProfile,
  CustomerRegistered,
  RegisterCustomer,
} from '@custodia/customers';
import { CUSTOMER_ID, SALES_REP, T0 } from './consent.factories';
import fc from 'fast-check';
import {
  aChineseName,
  aMobile,
  anIdNumber,
  chineseIdNumberArb,
  chineseMobileArb,
  chineseNameArb,
} from './chinese-identity.factories';
import { noticeFor } from './purpose-catalog.factories';

export const TEAM = 'team-east';

/** A profile the `sales_followup` purpose covers entirely (no address, nothing sensitive). */
export const aProfile = (overrides: Partial<CustomerProfile> = {}): CustomerProfile => ({
  name: aChineseName(),
  phone: aMobile(12345678),
  email: 'zhang.wei@example.com',
  wechat: 'zhangwei_88',
  company: '示例科技有限公司',
  ...overrides,
});

/** Every profile field filled, for specs about sensitive fields and encryption. */
export const aFullProfile = (overrides: Partial<CustomerProfile> = {}): CustomerProfile => ({
  ...aProfile(),
  address: '上海市浦东新区世纪大道100号',
  idNumber: anIdNumber(),
  income: 360_000,
  ...overrides,
});

export const aConsentInput = (
  purpose = 'sales_followup',
  overrides: Partial<ConsentInput> = {},
): ConsentInput => ({
  purpose,
  ...noticeFor(purpose),
  channel: 'web',
  ...(purpose === 'credit_assessment' ? { separate: true } : {}),
  ...overrides,
});

export const aRegisterCustomer = (
  data: Partial<RegisterCustomer['data']> = {},
): RegisterCustomer => ({
  type: 'RegisterCustomer',
  data: {
    customerId: CUSTOMER_ID,
    profile: aProfile(),
    ownerId: SALES_REP,
    team: TEAM,
    consents: [aConsentInput()],
    occurredAt: T0,
    actorId: SALES_REP,
    ...data,
  },
});

/** The `CustomerRegistered` a registration with `profile` produces. */
export const aCustomerRegistered = (
  profile: CustomerProfile = aProfile(),
  data: Partial<Omit<CustomerRegistered['data'], keyof CustomerProfile>> = {},
): CustomerRegistered => ({
  type: 'CustomerRegistered',
  data: {
    customerId: CUSTOMER_ID,
    ...profile,
    ownerId: SALES_REP,
    team: TEAM,
    registeredAt: T0,
    actorId: SALES_REP,
    ...data,
  },
});

const cjkText = (maxLength: number): fc.Arbitrary<string> =>
  fc.string({
    unit: fc.constantFrom(...'上海市浦东新区世纪大道号北京朝阳路科技有限公司'),
    minLength: 1,
    maxLength,
  });

/** Valid profiles with any subset of the optional fields. */
export const profileArb: fc.Arbitrary<CustomerProfile> = fc.record(
  {
    name: chineseNameArb,
    phone: chineseMobileArb,
    email: fc.emailAddress().filter((email) => email.length <= 254),
    wechat: fc.stringMatching(/^[A-Za-z][-_A-Za-z0-9]{5,19}$/),
    address: cjkText(60),
    idNumber: chineseIdNumberArb(T0),
    income: fc.integer({ min: 0, max: 1_000_000_000 }),
    company: cjkText(40),
  },
  { requiredKeys: ['name', 'phone'] },
);
