import { createHash } from 'node:crypto';
import { type FoundNoticeText, parsePurposeCatalog, type PurposeCatalog } from '@custodia/consent';

/**
 * A catalog for decider specs, shaped like config/purposes.json but fixed here, so that editing
 * the real catalog (a DPO's job) never changes what the rules' specs mean.
 */
export const catalogFixture = {
  purposes: [
    {
      id: 'sales_followup',
      description: 'follow up prospects',
      lawfulBasis: 'consent',
      fields: [
        'name',
        'phone',
        'email',
        'wechat',
        'company',
        'followUpNotes',
        'products',
        'quote',
        'orderStatus',
      ],
      roles: ['sales', 'sales_manager'],
      retention: 'P2Y',
    },
    {
      id: 'marketing',
      description: 'send offers',
      lawfulBasis: 'consent',
      fields: ['name', 'phone', 'email'],
      roles: ['sales_manager'],
      retention: 'P1Y',
    },
    {
      id: 'service',
      description: 'after-sales service',
      lawfulBasis: 'contract',
      fields: ['name', 'phone', 'address', 'followUpNotes'],
      roles: ['sales', 'sales_manager'],
      retention: 'P3Y',
    },
    {
      id: 'credit_assessment',
      description: 'credit check',
      lawfulBasis: 'consent',
      fields: ['name', 'idNumber', 'income'],
      roles: ['sales_manager', 'finance'],
      retention: 'P1Y',
    },
    {
      id: 'analytics',
      description: 'statistics without direct identifiers',
      lawfulBasis: 'consent',
      fields: ['company', 'products', 'orderStatus'],
      roles: ['sales_manager', 'finance'],
      retention: 'P3Y',
    },
  ],
  notices: [
    {
      version: 'general-v1',
      purposes: ['sales_followup', 'marketing', 'service', 'analytics'],
      languages: ['zh-CN', 'en'],
    },
    { version: 'credit-v1', purposes: ['credit_assessment'], languages: ['zh-CN', 'en'] },
  ],
};

export const sha256Of = (text: string): string =>
  createHash('sha256').update(text, 'utf8').digest('hex');

/** The texts of the fixture's notices, as the loader would find them on disk. */
export const fixtureNoticeTexts = (): FoundNoticeText[] =>
  catalogFixture.notices.flatMap(({ version, languages }) =>
    languages.map((language) => {
      const text = `Notice ${version} (${language})`;
      return { version, language, text, sha256: sha256Of(text) };
    }),
  );

export const aPurposeCatalog = (): PurposeCatalog =>
  parsePurposeCatalog(catalogFixture, fixtureNoticeTexts());

/** A registered notice version and text hash covering `purpose` (the Chinese text by default). */
export const noticeFor = (
  purpose: string,
  language = 'zh-CN',
): { noticeVersion: string; noticeSha256: string } => {
  // An unknown purpose (in a refusal spec) still gets a registered notice: the general one.
  const notice =
    catalogFixture.notices.find((candidate) => candidate.purposes.includes(purpose)) ??
    catalogFixture.notices[0];
  const text = fixtureNoticeTexts().find(
    (found) => found.version === notice.version && found.language === language,
  );
  if (!text) throw new Error(`fixture: notice ${notice.version} has no ${language} text`);
  return { noticeVersion: notice.version, noticeSha256: text.sha256 };
};
