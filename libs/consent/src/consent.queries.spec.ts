import { fold } from '@custodia/platform';
import {
  aConsentGranted,
  aConsentWithdrawn,
  aLawfulBasisRecorded,
  aPurposeCatalog,
  catalogFixture,
  fixtureNoticeTexts,
  T0,
  T1,
  T2,
} from '@custodia/testing';
import { createConsentDecider } from './consent.decider';
import type { ConsentEvent } from './consent.events';
import { activePurposes, coveredFields, isPurposeActive } from './consent.queries';
import { parsePurposeCatalog } from './purpose-catalog';

const catalog = aPurposeCatalog();
const state = (events: ConsentEvent[]) => fold(createConsentDecider(catalog), events);

describe(activePurposes.name, () => {
  it('lists purposes with a consent or another lawful basis, until withdrawn or ended', () => {
    const history: ConsentEvent[] = [
      aConsentGranted(),
      aConsentGranted({ purpose: 'marketing' }),
      aLawfulBasisRecorded(),
      aConsentWithdrawn({ purpose: 'marketing' }),
    ];
    expect(activePurposes(state(history))).toEqual(['sales_followup', 'service']);
    expect(activePurposes(state([]))).toEqual([]);
  });
});

describe(isPurposeActive.name, () => {
  it('tells whether a purpose was active without interruption since an instant', () => {
    const granted = state([aConsentGranted({ grantedAt: T1 })]);
    expect(isPurposeActive(granted, 'sales_followup')).toBe(true);
    expect(isPurposeActive(granted, 'sales_followup', T2)).toBe(true);
    expect(isPurposeActive(granted, 'sales_followup', T0)).toBe(false);
    expect(isPurposeActive(granted, 'marketing')).toBe(false);
  });

  it('keeps the start of the period across a renewed grant, and restarts it after a withdrawal', () => {
    const renewed = state([aConsentGranted(), aConsentGranted({ grantedAt: T2 })]);
    expect(isPurposeActive(renewed, 'sales_followup', T1)).toBe(true);
    const regranted = state([
      aConsentGranted(),
      aConsentWithdrawn({ withdrawnAt: T1 }),
      aConsentGranted({ grantedAt: T2 }),
    ]);
    expect(isPurposeActive(regranted, 'sales_followup', T1)).toBe(false);
    expect(isPurposeActive(regranted, 'sales_followup', T2)).toBe(true);
  });
});

describe(coveredFields.name, () => {
  it('is the union of the active purposes’ fields', () => {
    const covered = coveredFields(
      state([aConsentGranted({ purpose: 'marketing' }), aLawfulBasisRecorded()]),
      catalog,
    );
    expect([...covered].sort()).toEqual(['address', 'email', 'followUpNotes', 'name', 'phone']);
  });

  it('covers sensitive fields only through a separate consent', () => {
    const separate = state([aConsentGranted({ purpose: 'credit_assessment' })]);
    expect([...coveredFields(separate, catalog)].sort()).toEqual(['idNumber', 'income', 'name']);
    // A consent recorded before the purpose gained sensitive fields does not cover them.
    const plain = state([aConsentGranted({ purpose: 'credit_assessment', separate: false })]);
    expect([...coveredFields(plain, catalog)]).toEqual(['name']);
  });

  it('covers nothing for a purpose the catalog no longer has, and nothing after withdrawal', () => {
    const smaller = structuredClone(catalogFixture);
    smaller.purposes = smaller.purposes.filter((p) => p.id !== 'marketing');
    smaller.notices[0].purposes = smaller.notices[0].purposes.filter((p) => p !== 'marketing');
    const without = parsePurposeCatalog(smaller, fixtureNoticeTexts());
    expect(coveredFields(state([aConsentGranted({ purpose: 'marketing' })]), without).size).toBe(0);
    expect(coveredFields(state([aConsentGranted(), aConsentWithdrawn()]), catalog).size).toBe(0);
  });
});
