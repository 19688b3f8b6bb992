import {
  aGrantConsent,
  aLawfulBasisRecorded,
  aRecordLawfulBasis,
  catalogFixture,
  CUSTOMER_ID,
  deciderSpec,
  fixtureNoticeTexts,
  SALES_REP,
  sha256Of,
  T1,
} from '@custodia/testing';
import type { ConsentCommand } from './consent.commands';
import { createConsentDecider } from './consent.decider';
import { ConsentError } from './consent.errors';
import { parsePurposeCatalog } from './purpose-catalog';

// The fixture plus two legal obligations: one owed for every customer, one recorded per customer.
const rightsText = 'Notice rights-v1 (zh-CN)';
const RIGHTS_NOTICE = { noticeVersion: 'rights-v1', noticeSha256: sha256Of(rightsText) };
const catalog = parsePurposeCatalog(
  {
    purposes: [
      ...catalogFixture.purposes,
      {
        id: 'privacy_rights',
        description: 'answer privacy requests',
        lawfulBasis: 'legal_obligation',
        fields: ['name', 'phone', 'company'],
        roles: ['dpo'],
        retention: 'P3Y',
        everyCustomer: true,
      },
      {
        id: 'tax_records',
        description: 'keep invoices for the tax office',
        lawfulBasis: 'legal_obligation',
        fields: ['company', 'quote'],
        roles: ['finance'],
        retention: 'P10Y',
      },
    ],
    notices: [
      ...catalogFixture.notices,
      {
        version: 'rights-v1',
        purposes: ['privacy_rights', 'tax_records'],
        languages: ['zh-CN'],
      },
    ],
  },
  [
    ...fixtureNoticeTexts(),
    {
      version: 'rights-v1',
      language: 'zh-CN',
      text: rightsText,
      sha256: RIGHTS_NOTICE.noticeSha256,
    },
  ],
);

const sut = createConsentDecider(catalog);
const spec = deciderSpec(sut);

describe(`${createConsentDecider.name}: everyCustomer purposes`, () => {
  it('refuses to record a lawful basis for a duty owed for every customer', () => {
    spec
      .given([])
      .when(aRecordLawfulBasis({ purpose: 'privacy_rights', ...RIGHTS_NOTICE }))
      .thenThrows('CONSENT.BASIS_MISMATCH');
    spec
      .given([
        aLawfulBasisRecorded({
          purpose: 'tax_records',
          ...RIGHTS_NOTICE,
          lawfulBasis: 'legal_obligation',
        }),
      ])
      .when(aRecordLawfulBasis({ purpose: 'privacy_rights', ...RIGHTS_NOTICE }))
      .thenThrows('CONSENT.BASIS_MISMATCH');
  });

  it('says why, naming the purpose and the rule', () => {
    const command = aRecordLawfulBasis({ purpose: 'privacy_rights', ...RIGHTS_NOTICE });
    let thrown: unknown;
    try {
      sut.decide(command, sut.initialState());
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConsentError);
    expect((thrown as ConsentError).message).toBe(
      'purpose: privacy_rights rests on legal_obligation; it applies to every customer and serves reads only',
    );
  });

  it('still records a legal obligation that is not owed for every customer', () => {
    spec
      .given([])
      .when(aRecordLawfulBasis({ purpose: 'tax_records', ...RIGHTS_NOTICE, recordedAt: T1 }))
      .then([
        aLawfulBasisRecorded({
          purpose: 'tax_records',
          lawfulBasis: 'legal_obligation',
          ...RIGHTS_NOTICE,
          recordedAt: T1,
        }),
      ]);
  });

  it('refuses a consent for it, and has nothing to end', () => {
    spec
      .given([])
      .when(aGrantConsent({ purpose: 'privacy_rights', ...RIGHTS_NOTICE }))
      .thenThrows('CONSENT.BASIS_MISMATCH');
    const end: ConsentCommand = {
      type: 'EndLawfulBasis',
      data: { customerId: CUSTOMER_ID, purpose: 'privacy_rights', endedAt: T1, actorId: SALES_REP },
    };
    spec.given([]).when(end).thenThrows('CONSENT.NOT_GRANTED');
  });
});
