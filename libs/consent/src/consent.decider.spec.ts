import {
  aConsentGranted,
  aConsentWithdrawn,
  aGrantConsent,
  aLawfulBasisRecorded,
  aPurposeCatalog,
  aRecordLawfulBasis,
  aWithdrawConsent,
  CUSTOMER_ID,
  deciderSpec,
  noticeFor,
  SALES_REP,
  T1,
  T2,
} from '@custodia/testing';
import type { ConsentCommand } from './consent.commands';
import { createConsentDecider } from './consent.decider';

const sut = createConsentDecider(aPurposeCatalog());
const spec = deciderSpec(sut);

describe(createConsentDecider.name, () => {
  describe('GrantConsent', () => {
    it('records the grant with the notice version, the hash and the language of the text shown', () => {
      spec.given([]).when(aGrantConsent()).then([aConsentGranted()]);
      const english = noticeFor('marketing', 'en');
      spec
        .given([])
        .when(aGrantConsent({ purpose: 'marketing', ...english, evidence: 'form-17' }))
        .then([
          aConsentGranted({
            purpose: 'marketing',
            ...english,
            noticeLanguage: 'en',
            evidence: 'form-17',
          }),
        ]);
    });

    it('records a renewed grant (new notice, new evidence) while the purpose is active', () => {
      spec
        .given([aConsentGranted()])
        .when(aGrantConsent({ grantedAt: T1, channel: 'paper' }))
        .then([aConsentGranted({ grantedAt: T1, channel: 'paper' })]);
    });

    it('grants a sensitive purpose only with a separate consent (PIPL art. 29)', () => {
      const credit = aGrantConsent({ purpose: 'credit_assessment' });
      spec
        .given([])
        .when(credit)
        .then([aConsentGranted({ purpose: 'credit_assessment' })]);
      spec
        .given([])
        .when(aGrantConsent({ purpose: 'credit_assessment', separate: false }))
        .thenThrows('CONSENT.SEPARATE_CONSENT_REQUIRED');
      const { separate: _omitted, ...bundled } = credit.data;
      spec
        .given([])
        .when({ type: 'GrantConsent', data: bundled })
        .thenThrows('CONSENT.SEPARATE_CONSENT_REQUIRED');
    });

    it('refuses an unknown purpose, including Object.prototype names', () => {
      for (const purpose of ['astrology', 'constructor', '__proto__']) {
        spec.given([]).when(aGrantConsent({ purpose })).thenThrows('CONSENT.PURPOSE_UNKNOWN');
      }
    });

    it('refuses consent for a purpose resting on another lawful basis', () => {
      spec
        .given([])
        .when(aGrantConsent({ purpose: 'service' }))
        .thenThrows('CONSENT.BASIS_MISMATCH');
    });

    it('refuses an unregistered notice, one not covering the purpose, and a foreign text', () => {
      spec
        .given([])
        .when(aGrantConsent({ noticeVersion: 'general-v0' }))
        .thenThrows('CONSENT.NOTICE_UNKNOWN');
      spec
        .given([])
        .when(aGrantConsent({ ...noticeFor('credit_assessment') }))
        .thenThrows('CONSENT.NOTICE_NOT_COVERING_PURPOSE');
      spec
        .given([])
        .when(aGrantConsent({ noticeSha256: noticeFor('credit_assessment').noticeSha256 }))
        .thenThrows('CONSENT.NOTICE_HASH_MISMATCH');
      spec
        .given([])
        .when(aGrantConsent({ noticeSha256: 'f'.repeat(64) }))
        .thenThrows('CONSENT.NOTICE_HASH_MISMATCH');
    });

    it.each<[string, Record<string, unknown>]>([
      ['channel', { channel: 'carrier-pigeon' }],
      ['grantedAt', { grantedAt: '2025-06-01' }],
      ['actorId', { actorId: '' }],
      ['customerId', { customerId: '' }],
      ['evidence', { evidence: '' }],
      ['evidence', { evidence: 'x'.repeat(501) }],
      ['separate', { separate: 'yes' }],
    ])('refuses an invalid %s', (field, change) => {
      const command = aGrantConsent();
      const bad = { ...command, data: { ...command.data, ...change } } as ConsentCommand;
      spec.given([]).when(bad).thenThrows('CONSENT.FIELD_INVALID');
      expect(() => sut.decide(bad, sut.initialState())).toThrow(new RegExp(`^${field}: `));
    });
  });

  describe('WithdrawConsent', () => {
    it('records the withdrawal of an active consent', () => {
      spec.given([aConsentGranted()]).when(aWithdrawConsent()).then([aConsentWithdrawn()]);
    });

    it('refuses to withdraw what is not granted, or no longer is', () => {
      spec.given([]).when(aWithdrawConsent()).thenThrows('CONSENT.NOT_GRANTED');
      spec
        .given([aConsentGranted(), aConsentWithdrawn()])
        .when(aWithdrawConsent({ withdrawnAt: T2 }))
        .thenThrows('CONSENT.NOT_GRANTED');
      spec
        .given([aConsentGranted({ purpose: 'marketing' })])
        .when(aWithdrawConsent())
        .thenThrows('CONSENT.NOT_GRANTED');
    });

    it('refuses to withdraw an unknown purpose or one not resting on consent', () => {
      spec
        .given([])
        .when(aWithdrawConsent({ purpose: 'astrology' }))
        .thenThrows('CONSENT.PURPOSE_UNKNOWN');
      spec
        .given([aLawfulBasisRecorded()])
        .when(aWithdrawConsent({ purpose: 'service' }))
        .thenThrows('CONSENT.BASIS_MISMATCH');
    });

    it('never refuses a withdrawal because the clocks disagree', () => {
      spec
        .given([aConsentGranted({ grantedAt: T2 })])
        .when(aWithdrawConsent({ withdrawnAt: T1 }))
        .then([aConsentWithdrawn({ withdrawnAt: T1 })]);
    });

    it('refuses an invalid channel or time', () => {
      spec
        .given([aConsentGranted()])
        .when(aWithdrawConsent({ withdrawnAt: 'now' }))
        .thenThrows('CONSENT.FIELD_INVALID');
    });
  });

  describe('RecordLawfulBasis and EndLawfulBasis', () => {
    it('records a contract basis with the notice shown and ends it', () => {
      spec
        .given([])
        .when(aRecordLawfulBasis({ reference: 'contract-2025-001' }))
        .then([aLawfulBasisRecorded({ reference: 'contract-2025-001' })]);
      spec
        .given([aLawfulBasisRecorded()])
        .when({
          type: 'EndLawfulBasis',
          data: { customerId: CUSTOMER_ID, purpose: 'service', endedAt: T1, actorId: SALES_REP },
        })
        .then([
          {
            type: 'LawfulBasisEnded',
            data: { customerId: CUSTOMER_ID, purpose: 'service', endedAt: T1, actorId: SALES_REP },
          },
        ]);
    });

    it('refuses a basis for a consent purpose, and ending one that is not active', () => {
      spec
        .given([])
        .when(aRecordLawfulBasis({ purpose: 'marketing' }))
        .thenThrows('CONSENT.BASIS_MISMATCH');
      const end = (purpose: string): ConsentCommand => ({
        type: 'EndLawfulBasis',
        data: { customerId: CUSTOMER_ID, purpose, endedAt: T1, actorId: SALES_REP },
      });
      spec.given([]).when(end('service')).thenThrows('CONSENT.NOT_GRANTED');
      spec
        .given([aConsentGranted()])
        .when(end('sales_followup'))
        .thenThrows('CONSENT.BASIS_MISMATCH');
    });

    it('checks the notice of a lawful basis too', () => {
      spec
        .given([])
        .when(aRecordLawfulBasis({ noticeVersion: 'credit-v1' }))
        .thenThrows('CONSENT.NOTICE_NOT_COVERING_PURPOSE');
    });
  });

  it('names the field and rule in refusals, never a value the customer gave', () => {
    const evidence = 'signed by 张伟 13812345678';
    const command = aGrantConsent({ evidence: `${evidence}${'!'.repeat(500)}` });
    expect(() => sut.decide(command, sut.initialState())).toThrow(
      'evidence: must be a non-empty string of at most 500 characters',
    );
  });
});
