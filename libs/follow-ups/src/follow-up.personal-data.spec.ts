import { aFollowUpLogged } from '@custodia/testing';
import { customerStreamPersonalData } from './customer-stream.personal-data';
import { followUpPersonalData } from './follow-up.personal-data';

describe('followUpPersonalData', () => {
  it('seals the free text and keeps business parts readable', () => {
    const event = aFollowUpLogged({
      summary: 'canary-summary 客户提到家人住院',
      nextStep: 'canary-next 13812345678',
      products: ['年度套餐'],
      quote: { amount: 100, currency: 'CNY' },
      orderStatus: 'quoted',
    });
    const sealed = new Set(followUpPersonalData.FollowUpLogged.fields);
    const kept = Object.fromEntries(Object.entries(event.data).filter(([k]) => !sealed.has(k)));
    expect(JSON.stringify(kept)).not.toMatch(/canary/);
    expect(kept).toMatchObject({ products: ['年度套餐'], orderStatus: 'quoted' });
    expect(followUpPersonalData.FollowUpLogged.subject).toBe('customerId');
  });
});

describe('customerStreamPersonalData', () => {
  it('declares every event type of the customer stream, with the customer as subject', () => {
    expect(Object.keys(customerStreamPersonalData).sort()).toEqual([
      'ConsentGranted',
      'ConsentWithdrawn',
      'CustomerErased',
      'CustomerOwnerChanged',
      'CustomerProfileUpdated',
      'CustomerRegistered',
      'FollowUpLogged',
      'LawfulBasisEnded',
      'LawfulBasisRecorded',
    ]);
    for (const declaration of Object.values(customerStreamPersonalData)) {
      expect(declaration.subject).toBe('customerId');
    }
  });
});
