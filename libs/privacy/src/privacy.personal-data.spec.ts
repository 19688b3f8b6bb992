import { PersonalDataRegistry } from '@custodia/crypto-shredding';
import { privacyPersonalData } from './privacy.personal-data';

describe('privacyPersonalData', () => {
  it('seals the free text of requests and holds under the customer', () => {
    const sut = new PersonalDataRegistry().registerAll(privacyPersonalData);
    expect([...sut.eventTypes].sort()).toEqual([
      'LegalHoldPlaced',
      'PrivacyRequestExtended',
      'PrivacyRequestReceived',
      'PrivacyRequestRejected',
    ]);
    expect(sut.get('PrivacyRequestRejected')?.subjectOf({ customerId: 'c-1' })).toBe('c-1');
    expect(sut.get('LegalHoldPlaced')?.fields.map((path) => path.text)).toEqual(['reason']);
  });
});
