import { aPurposeCatalog, noticeFor } from '@custodia/testing';
import { noticeText, noticeViews, purposeViews } from './purpose-catalog.views';

describe(purposeViews.name, () => {
  it('shows each purpose with its fields classified and its notices, sorted by id', () => {
    const views = purposeViews(aPurposeCatalog());
    expect(views.map((view) => view.id)).toEqual([
      'analytics',
      'credit_assessment',
      'marketing',
      'sales_followup',
      'service',
    ]);
    expect(views[1]).toEqual({
      id: 'credit_assessment',
      description: 'credit check',
      lawfulBasis: 'consent',
      jurisdictions: ['PIPL', 'GDPR'],
      fields: [
        { name: 'name', category: 'identifier', personal: true },
        { name: 'idNumber', category: 'sensitive', personal: true },
        { name: 'income', category: 'sensitive', personal: true },
      ],
      roles: ['sales_manager', 'finance'],
      retention: 'P1Y',
      requiresSeparateConsent: true,
      noticeVersions: ['credit-v1'],
    });
  });
});

describe(noticeViews.name, () => {
  it('lists one row per notice version, purpose and language with the text hash', () => {
    const views = noticeViews(aPurposeCatalog());
    expect(views).toHaveLength(10);
    expect(views).toContainEqual({
      version: 'credit-v1',
      purpose: 'credit_assessment',
      language: 'en',
      sha256: noticeFor('credit_assessment', 'en').noticeSha256,
    });
  });

  it('finds a notice text by version and language', () => {
    expect(noticeText(aPurposeCatalog(), 'credit-v1', 'en')).toBe('Notice credit-v1 (en)');
    expect(noticeText(aPurposeCatalog(), 'credit-v1', 'fr')).toBeUndefined();
  });
});
