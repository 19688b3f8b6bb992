import { aConsentGranted, aConsentWithdrawn, aLawfulBasisRecorded } from '@custodia/testing';
import type { ConsentEvent } from './consent.events';
import { consentPersonalData } from './consent.personal-data';

/** The data an event would keep in plaintext once its declared personal fields are sealed. */
const plaintext = (event: ConsentEvent): string => {
  const sealed = new Set(consentPersonalData[event.type].fields);
  return JSON.stringify(Object.entries(event.data).filter(([key]) => !sealed.has(key)));
};

describe('consentPersonalData', () => {
  it('declares the customer as subject of every consent event', () => {
    for (const declaration of Object.values(consentPersonalData)) {
      expect(declaration.subject).toBe('customerId');
    }
  });

  it('leaves no evidence or contract reference in plaintext', () => {
    const canary = 'canary-7f3a 张伟 13812345678';
    const events: ConsentEvent[] = [
      aConsentGranted({ evidence: canary }),
      aConsentWithdrawn(),
      aLawfulBasisRecorded({ reference: canary }),
      {
        type: 'LawfulBasisEnded',
        data: { customerId: 'c', purpose: 'service', endedAt: 'x', actorId: 'a' },
      },
    ];
    for (const event of events) expect(plaintext(event)).not.toContain('canary-7f3a');
  });
});
