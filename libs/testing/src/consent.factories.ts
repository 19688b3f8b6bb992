import type {
  ConsentGranted,
  ConsentWithdrawn,
  GrantConsent,
  LawfulBasisRecorded,
  RecordLawfulBasis,
  WithdrawConsent,
} from '@custodia/consent';
import { catalogFixture, noticeFor } from './purpose-catalog.factories';

/** Fixed instants: commands carry their time, so specs need no clock. */
export const T0 = '2025-06-01T08:00:00.000Z';
export const T1 = '2025-06-02T08:00:00.000Z';
export const T2 = '2025-06-03T08:00:00.000Z';
export const CUSTOMER_ID = '01970000-0000-7000-8000-000000000001';
export const SALES_REP = 'user-sales-1';

const needsSeparate = (purpose: string): boolean => purpose === 'credit_assessment';

export const aGrantConsent = (data: Partial<GrantConsent['data']> = {}): GrantConsent => {
  const purpose = data.purpose ?? 'sales_followup';
  return {
    type: 'GrantConsent',
    data: {
      customerId: CUSTOMER_ID,
      purpose,
      ...noticeFor(purpose),
      channel: 'web',
      ...(needsSeparate(purpose) ? { separate: true } : {}),
      grantedAt: T0,
      actorId: SALES_REP,
      ...data,
    },
  };
};

/** The event `aGrantConsent(data)` is expected to produce. */
export const aConsentGranted = (data: Partial<ConsentGranted['data']> = {}): ConsentGranted => {
  const purpose = data.purpose ?? 'sales_followup';
  return {
    type: 'ConsentGranted',
    data: {
      customerId: CUSTOMER_ID,
      purpose,
      ...noticeFor(purpose),
      noticeLanguage: 'zh-CN',
      channel: 'web',
      separate: needsSeparate(purpose),
      grantedAt: T0,
      actorId: SALES_REP,
      ...data,
    },
  };
};

export const aWithdrawConsent = (data: Partial<WithdrawConsent['data']> = {}): WithdrawConsent => ({
  type: 'WithdrawConsent',
  data: {
    customerId: CUSTOMER_ID,
    purpose: 'sales_followup',
    channel: 'app',
    withdrawnAt: T1,
    actorId: SALES_REP,
    ...data,
  },
});

export const aConsentWithdrawn = (
  data: Partial<ConsentWithdrawn['data']> = {},
): ConsentWithdrawn => ({ type: 'ConsentWithdrawn', data: aWithdrawConsent(data).data });

export const aRecordLawfulBasis = (
  data: Partial<RecordLawfulBasis['data']> = {},
): RecordLawfulBasis => {
  const purpose = data.purpose ?? 'service';
  return {
    type: 'RecordLawfulBasis',
    data: {
      customerId: CUSTOMER_ID,
      purpose,
      ...noticeFor(purpose),
      recordedAt: T0,
      actorId: SALES_REP,
      ...data,
    },
  };
};

export const aLawfulBasisRecorded = (
  data: Partial<LawfulBasisRecorded['data']> = {},
): LawfulBasisRecorded => {
  const purpose = data.purpose ?? 'service';
  const basis = catalogFixture.purposes.find((p) => p.id === purpose)?.lawfulBasis;
  return {
    type: 'LawfulBasisRecorded',
    data: {
      customerId: CUSTOMER_ID,
      purpose,
      lawfulBasis: (basis ?? 'contract') as LawfulBasisRecorded['data']['lawfulBasis'],
      ...noticeFor(purpose),
      noticeLanguage: 'zh-CN',
      recordedAt: T0,
      actorId: SALES_REP,
      ...data,
    },
  };
};
