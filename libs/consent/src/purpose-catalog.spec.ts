import { aPurposeCatalog, catalogFixture, fixtureNoticeTexts, sha256Of } from '@custodia/testing';
import { ConsentError } from './consent.errors';
import {
  mayUsePurpose,
  parsePurposeCatalog,
  type PurposeCatalog,
  purposesCovering,
} from './purpose-catalog';

type Json = Record<string, unknown>;
type Catalog = { purposes: Json[]; notices: Json[] };
const clone = (): Catalog => structuredClone(catalogFixture);

/** The error parsing `raw` throws (with the fixture's notice texts unless given). */
const refusal = (raw: unknown, texts = fixtureNoticeTexts()): ConsentError => {
  try {
    parsePurposeCatalog(raw, texts);
  } catch (error) {
    if (error instanceof ConsentError) return error;
    throw error;
  }
  throw new Error('the catalog was accepted');
};

const withPurpose = (id: string, change: (purpose: Json) => void): Catalog => {
  const raw = clone();
  const purpose = raw.purposes.find((candidate) => candidate.id === id);
  if (!purpose) throw new Error(id);
  change(purpose);
  return raw;
};

describe(parsePurposeCatalog.name, () => {
  let sut: PurposeCatalog;
  beforeAll(() => (sut = aPurposeCatalog()));

  it('accepts the fixture and derives separate consent for sensitive consent purposes', () => {
    expect([...sut.purposes.keys()]).toEqual([
      'sales_followup',
      'marketing',
      'service',
      'credit_assessment',
      'analytics',
    ]);
    expect(sut.purposes.get('credit_assessment')?.requiresSeparateConsent).toBe(true);
    expect(sut.purposes.get('sales_followup')?.requiresSeparateConsent).toBe(false);
    expect(sut.purposes.get('marketing')).toMatchObject({
      jurisdictions: ['PIPL', 'GDPR'],
      retentionPeriod: { years: 1, months: 0, weeks: 0, days: 0 },
    });
    expect(sut.notices.get('credit-v1')?.texts.map((t) => t.language)).toEqual(['zh-CN', 'en']);
  });

  it('never takes an Object.prototype name for a purpose', () => {
    expect(sut.purposes.get('constructor')).toBeUndefined();
    expect(sut.notices.get('toString')).toBeUndefined();
  });

  it.each([
    ['an unknown field', (p: Json) => (p.fields = ['name', 'shoeSize']), /"fields" has "shoeSize"/],
    ['a field twice', (p: Json) => (p.fields = ['name', 'name']), /lists "name" twice/],
    ['no fields', (p: Json) => (p.fields = []), /"fields" must be a non-empty array/],
    ['a zero retention', (p: Json) => (p.retention = 'P0D'), /"retention" must be a non-zero/],
    ['a time retention', (p: Json) => (p.retention = 'PT12H'), /ISO-8601 duration/],
    ['a bad retention', (p: Json) => (p.retention = '2 years'), /"retention"/],
    ['an unknown basis', (p: Json) => (p.lawfulBasis = 'vibes'), /"lawfulBasis" must be one of/],
    ['an unknown role', (p: Json) => (p.roles = ['intern']), /"roles" has "intern"/],
    ['a misspelt key', (p: Json) => (p.feilds = []), /unknown property "feilds"/],
    ['an empty description', (p: Json) => (p.description = ' '), /"description" must be/],
    ['a bad jurisdiction', (p: Json) => (p.jurisdictions = ['US']), /"jurisdictions" has "US"/],
  ])('refuses a purpose with %s, naming the purpose', (_case, change, detail) => {
    const error = refusal(withPurpose('marketing', change));
    expect(error.code).toBe('CONSENT.CATALOG_INVALID');
    expect(error.message).toContain('purpose "marketing"');
    expect(error.message).toMatch(detail);
  });

  it('refuses legitimate interests under PIPL (art. 13 has no such basis)', () => {
    const raw = withPurpose('analytics', (p) => (p.lawfulBasis = 'legitimate_interests'));
    expect(refusal(raw).message).toMatch(
      /purpose "analytics": lawful basis legitimate_interests does not exist under PIPL/,
    );
    const gdprOnly = withPurpose('analytics', (p) => {
      p.lawfulBasis = 'legitimate_interests';
      p.jurisdictions = ['GDPR'];
    });
    expect(
      parsePurposeCatalog(gdprOnly, fixtureNoticeTexts()).purposes.get('analytics'),
    ).toMatchObject({ lawfulBasis: 'legitimate_interests', requiresSeparateConsent: false });
  });

  it('refuses a duplicate purpose id and an id that is not snake_case', () => {
    const raw = clone();
    raw.purposes.push({ ...raw.purposes[1] });
    expect(refusal(raw).message).toContain('purpose "marketing": id declared twice');
    expect(refusal(withPurpose('marketing', (p) => (p.id = 'Marketing!'))).message).toContain(
      'purpose "Marketing!": "id" must be snake_case',
    );
  });

  it('lists every problem in one error', () => {
    const raw = withPurpose('marketing', (p) => (p.retention = 'P0Y'));
    raw.purposes[0].fields = ['height'];
    const message = refusal(raw).message;
    expect(message).toContain('purpose "marketing"');
    expect(message).toContain('purpose "sales_followup"');
  });

  it('refuses a catalog that is not an object or has no purposes', () => {
    expect(refusal([]).message).toContain('must be a JSON object');
    expect(refusal({ purposes: [], notices: [] }).message).toContain('"purposes" must be');
  });

  it('refuses a purpose that no notice tells about (PIPL art. 17)', () => {
    const raw = clone();
    raw.notices[0].purposes = ['sales_followup', 'marketing', 'service'];
    expect(refusal(raw).message).toContain('purpose "analytics": no privacy notice covers it');
  });
});

describe('privacy notices in the catalog', () => {
  it('refuses a notice naming an unknown purpose or a bad language', () => {
    const raw = clone();
    raw.notices[1].purposes = ['credit_assessment', 'astrology'];
    expect(refusal(raw).message).toContain('notice "credit-v1": "purposes" has "astrology"');
    const bad = clone();
    bad.notices[1].languages = ['chinese'];
    expect(refusal(bad).message).toContain('notice "credit-v1": "languages" has "chinese"');
  });

  it('refuses a missing text, an unregistered text and a duplicate version', () => {
    const texts = fixtureNoticeTexts();
    const missing = refusal(clone(), texts.slice(1));
    expect(missing.message).toContain(
      'notice "general-v1" (zh-CN): text config/notices/general-v1.zh-CN.md is missing',
    );
    const stray = { version: 'draft', language: 'en', text: 'x', sha256: sha256Of('x') };
    expect(refusal(clone(), [...texts, stray]).message).toContain(
      'notice "draft" (en): text on disk is not registered',
    );
    const twice = clone();
    twice.notices.push({ ...twice.notices[1] });
    expect(refusal(twice).message).toContain('notice "credit-v1": declared twice');
  });

  it('compares a declared hash with the text and refuses a changed text', () => {
    const texts = fixtureNoticeTexts();
    const raw = clone();
    raw.notices[1].sha256 = { 'zh-CN': texts[2].sha256, en: texts[3].sha256 };
    expect(() => parsePurposeCatalog(raw, texts)).not.toThrow();
    raw.notices[1].sha256 = { 'zh-CN': sha256Of('an older text'), en: texts[3].sha256 };
    expect(refusal(raw, texts).message).toContain(
      'notice "credit-v1" (zh-CN): the text\'s SHA-256 differs from the declared one',
    );
  });

  it('refuses a malformed declared hash or one for an undeclared language', () => {
    const raw = clone();
    raw.notices[1].sha256 = { 'zh-CN': 'ABC', fr: sha256Of('x') };
    const message = refusal(raw).message;
    expect(message).toContain('"sha256" for zh-CN must be 64 lowercase hex digits');
    expect(message).toContain('"sha256" names language "fr", which is not declared');
  });

  it('refuses a version that cannot be a file name', () => {
    const raw = clone();
    raw.notices[1].version = 'credit.v1';
    expect(refusal(raw).message).toContain('notice "credit.v1": "version" must match');
  });
});

describe(purposesCovering.name, () => {
  it('finds the purposes whose fields include a field, and which roles may use them', () => {
    const catalog = aPurposeCatalog();
    expect(purposesCovering(catalog, 'idNumber').map((p) => p.id)).toEqual(['credit_assessment']);
    expect(purposesCovering(catalog, 'phone').map((p) => p.id)).toEqual([
      'sales_followup',
      'marketing',
      'service',
    ]);
    const credit = catalog.purposes.get('credit_assessment');
    expect(credit && mayUsePurpose(credit, ['sales'])).toBe(false);
    expect(credit && mayUsePurpose(credit, ['sales', 'finance'])).toBe(true);
  });
});
