import { catalogFixture, fixtureNoticeTexts, sha256Of } from '@custodia/testing';
import { ConsentError } from './consent.errors';
import { type FoundNoticeText } from './privacy-notices';
import { parsePurposeCatalog, type PurposeCatalog } from './purpose-catalog';

type Json = Record<string, unknown>;
type Catalog = { purposes: Json[]; notices: Json[] };

const RIGHTS_NOTICE = { version: 'rights-v1', purposes: ['privacy_rights'], languages: ['en'] };
const rightsText = 'Notice rights-v1 (en)';
const texts = (): FoundNoticeText[] => [
  ...fixtureNoticeTexts(),
  { version: 'rights-v1', language: 'en', text: rightsText, sha256: sha256Of(rightsText) },
];

/** The fixture plus a duty owed for every customer, changed by `change`. */
const withDuty = (change: (duty: Json) => void = () => undefined): Catalog => {
  const raw = structuredClone(catalogFixture) as Catalog;
  const duty: Json = {
    id: 'privacy_rights',
    description: 'answer privacy requests',
    lawfulBasis: 'legal_obligation',
    fields: ['name', 'phone', 'company'],
    roles: ['dpo'],
    retention: 'P3Y',
    everyCustomer: true,
  };
  change(duty);
  raw.purposes.push(duty);
  raw.notices.push(structuredClone(RIGHTS_NOTICE));
  return raw;
};

const refusal = (raw: unknown): ConsentError => {
  try {
    parsePurposeCatalog(raw, texts());
  } catch (error) {
    if (error instanceof ConsentError) return error;
    throw error;
  }
  throw new Error('the catalog was accepted');
};

describe(`${parsePurposeCatalog.name}: everyCustomer`, () => {
  it('accepts everyCustomer on a legal obligation', () => {
    const sut: PurposeCatalog = parsePurposeCatalog(withDuty(), texts());
    expect(sut.purposes.get('privacy_rights')).toMatchObject({
      lawfulBasis: 'legal_obligation',
      everyCustomer: true,
      requiresSeparateConsent: false,
    });
  });

  it('defaults to false, and accepts an explicit false on any basis', () => {
    const sut = parsePurposeCatalog(
      withDuty((duty) => delete duty.everyCustomer),
      texts(),
    );
    expect(sut.purposes.get('privacy_rights')?.everyCustomer).toBe(false);
    for (const purpose of catalogFixture.purposes) {
      expect([purpose.id, sut.purposes.get(purpose.id)?.everyCustomer]).toEqual([
        purpose.id,
        false,
      ]);
    }
    const raw = withDuty((duty) => (duty.everyCustomer = false));
    const marketing = raw.purposes.find((purpose) => purpose.id === 'marketing');
    if (marketing) marketing.everyCustomer = false;
    const explicit = parsePurposeCatalog(raw, texts());
    expect(explicit.purposes.get('privacy_rights')?.everyCustomer).toBe(false);
    expect(explicit.purposes.get('marketing')?.everyCustomer).toBe(false);
  });

  it.each(['consent', 'contract', 'vital_interests', 'public_interest'])(
    'refuses everyCustomer on a %s purpose, naming the purpose',
    (lawfulBasis) => {
      const error = refusal(withDuty((duty) => (duty.lawfulBasis = lawfulBasis)));
      expect(error.code).toBe('CONSENT.CATALOG_INVALID');
      expect(error.message).toContain(
        'purpose "privacy_rights": "everyCustomer" is only for a legal_obligation',
      );
    },
  );

  it('refuses everyCustomer on a consent purpose of the fixture, naming it', () => {
    const raw = structuredClone(catalogFixture) as Catalog;
    const marketing = raw.purposes.find((purpose) => purpose.id === 'marketing');
    if (!marketing) throw new Error('fixture: no marketing purpose');
    marketing.everyCustomer = true;
    const error = refusal(raw);
    expect(error.code).toBe('CONSENT.CATALOG_INVALID');
    expect(error.message).toContain('purpose "marketing": "everyCustomer" is only for');
    expect(error.message).not.toContain('purpose "sales_followup"');
  });

  it.each([['true'], [1], [null], [{}]])('refuses a non-boolean everyCustomer (%p)', (value) => {
    const error = refusal(withDuty((duty) => (duty.everyCustomer = value)));
    expect(error.code).toBe('CONSENT.CATALOG_INVALID');
    expect(error.message).toContain(
      'purpose "privacy_rights": "everyCustomer" must be true or false',
    );
  });
});
