import { fold } from '@custodia/platform';
import {
  aConsentGranted,
  aConsentWithdrawn,
  aFullProfile,
  aLawfulBasisRecorded,
  aPurposeCatalog,
} from '@custodia/testing';
import { createConsentDecider, type ConsentEvent } from '@custodia/consent';
import { fieldsWithoutPurpose } from './profile-coverage';

const catalog = aPurposeCatalog();
const consent = (events: ConsentEvent[]) => fold(createConsentDecider(catalog), events);

describe(fieldsWithoutPurpose.name, () => {
  it('lists the fields held that no active purpose covers any more (PIPL art. 47)', () => {
    const all = consent([
      aConsentGranted(),
      aConsentGranted({ purpose: 'credit_assessment' }),
      aLawfulBasisRecorded(),
    ]);
    expect(fieldsWithoutPurpose(aFullProfile(), all, catalog)).toEqual([]);
    const withdrawn = consent([
      aConsentGranted(),
      aConsentGranted({ purpose: 'credit_assessment' }),
      aConsentWithdrawn({ purpose: 'sales_followup' }),
    ]);
    expect(fieldsWithoutPurpose(aFullProfile(), withdrawn, catalog)).toEqual([
      'phone',
      'email',
      'wechat',
      'address',
      'company',
    ]);
    expect(fieldsWithoutPurpose(aFullProfile(), consent([]), catalog)).toHaveLength(8);
  });
});
