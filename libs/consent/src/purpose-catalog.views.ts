import { type FieldCategory, fieldCatalog, type FieldName } from './field-catalog';
import type { LawfulBasis, PurposeCatalog } from './purpose-catalog';

export type PurposeView = {
  readonly id: string;
  readonly description: string;
  readonly lawfulBasis: LawfulBasis;
  readonly basisNote?: string;
  readonly jurisdictions: readonly string[];
  readonly fields: readonly {
    readonly name: FieldName;
    readonly category: FieldCategory;
    readonly personal: boolean;
  }[];
  readonly roles: readonly string[];
  readonly retention: string;
  readonly requiresSeparateConsent: boolean;
  readonly noticeVersions: readonly string[];
};

export type NoticeView = {
  readonly version: string;
  readonly purpose: string;
  readonly language: string;
  readonly sha256: string;
};

/** What GET /v1/purposes returns: the catalog as configured, sorted by id. */
export const purposeViews = (catalog: PurposeCatalog): PurposeView[] =>
  [...catalog.purposes.values()]
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((purpose) => ({
      id: purpose.id,
      description: purpose.description,
      lawfulBasis: purpose.lawfulBasis,
      ...(purpose.basisNote === undefined ? {} : { basisNote: purpose.basisNote }),
      jurisdictions: purpose.jurisdictions,
      fields: purpose.fields.map((name) => ({
        name,
        category: fieldCatalog[name].category,
        personal: fieldCatalog[name].personal,
      })),
      roles: purpose.roles,
      retention: purpose.retention,
      requiresSeparateConsent: purpose.requiresSeparateConsent,
      noticeVersions: [...catalog.notices.values()]
        .filter((notice) => notice.purposes.includes(purpose.id))
        .map((notice) => notice.version),
    }));

/**
 * What GET /v1/notices returns: one row per notice version, purpose and language, so a client can
 * pick the text to show for a purpose and send back its `sha256` with the consent.
 */
export const noticeViews = (catalog: PurposeCatalog): NoticeView[] =>
  [...catalog.notices.values()].flatMap((notice) =>
    notice.purposes.flatMap((purpose) =>
      notice.texts.map(({ language, sha256 }) => ({
        version: notice.version,
        purpose,
        language,
        sha256,
      })),
    ),
  );

/** The text of a notice in one language, for a route that shows it (undefined if unknown). */
export const noticeText = (
  catalog: PurposeCatalog,
  version: string,
  language: string,
): string | undefined =>
  catalog.notices.get(version)?.texts.find((candidate) => candidate.language === language)?.text;
