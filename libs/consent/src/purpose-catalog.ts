import { asObject, checkKeys, type Issues, list, text } from './catalog-input';
import { ConsentError } from './consent.errors';
import { type FieldName, isFieldName, isSensitiveField } from './field-catalog';
import { type IsoDuration, parseIsoDuration } from './iso-time';
import { type FoundNoticeText, parseNotices, type PrivacyNotice } from './privacy-notices';

/** GDPR art. 6(1) bases; PIPL art. 13 has the same list except legitimate interests. */
export const lawfulBases = [
  'consent',
  'contract',
  'legal_obligation',
  'vital_interests',
  'public_interest',
  'legitimate_interests',
] as const;
export type LawfulBasis = (typeof lawfulBases)[number];

export const jurisdictions = ['PIPL', 'GDPR'] as const;
export type Jurisdiction = (typeof jurisdictions)[number];

/** The roles of DESIGN.md; the identity context may pass its own list at boot. */
export const defaultRoles = ['sales', 'sales_manager', 'finance', 'auditor', 'dpo', 'admin'];

export type Purpose = {
  readonly id: string;
  readonly description: string;
  readonly lawfulBasis: LawfulBasis;
  /** Why this basis was chosen, shown with the purpose (GET /v1/purposes). */
  readonly basisNote?: string;
  readonly jurisdictions: readonly Jurisdiction[];
  /** Minimum necessity (PIPL art. 6): the only fields this purpose may store or read. */
  readonly fields: readonly FieldName[];
  readonly roles: readonly string[];
  /** ISO-8601 duration as written in the catalog, e.g. `P2Y`. */
  readonly retention: string;
  readonly retentionPeriod: IsoDuration;
  /** Consent-based and covering a sensitive field: PIPL art. 29 asks for a separate consent. */
  readonly requiresSeparateConsent: boolean;
  /**
   * A legal duty owed for every customer (answering privacy requests, controlling access):
   * active without a per-customer record. Only with lawfulBasis `legal_obligation`; such a
   * purpose serves reads only: it never lets a field be stored.
   */
  readonly everyCustomer: boolean;
};

/** The validated catalog. Maps, not objects, so that "constructor" is never a purpose. */
export type PurposeCatalog = {
  readonly purposes: ReadonlyMap<string, Purpose>;
  readonly notices: ReadonlyMap<string, PrivacyNotice>;
};

export type CatalogOptions = { readonly knownRoles?: readonly string[] };

const PURPOSE_ID = /^[a-z][a-z0-9_]{0,63}$/;
const CATALOG_KEYS = ['purposes', 'notices', '$comment'];
const PURPOSE_KEYS = [
  'id',
  'description',
  'lawfulBasis',
  'basisNote',
  'jurisdictions',
  'fields',
  'roles',
  'retention',
  'everyCustomer',
];

/**
 * Validates config/purposes.json (already parsed) with the notice texts found on disk. Throws one
 * `CONSENT.CATALOG_INVALID` listing every problem, each naming its purpose or notice.
 */
export const parsePurposeCatalog = (
  raw: unknown,
  noticeTexts: readonly FoundNoticeText[],
  options: CatalogOptions = {},
): PurposeCatalog => {
  const issues: Issues = [];
  const root = asObject(raw);
  if (!root) throw invalid(['catalog: must be a JSON object with "purposes" and "notices"']);
  checkKeys(root, CATALOG_KEYS, 'catalog', issues);
  const purposes = new Map<string, Purpose>();
  const declaredIds = new Set<string>();
  if (!Array.isArray(root.purposes) || root.purposes.length === 0) {
    issues.push('catalog: "purposes" must be a non-empty array');
  } else {
    root.purposes.forEach((entry, index) => {
      const id = asObject(entry)?.id;
      if (typeof id === 'string' && declaredIds.has(id)) {
        issues.push(`purpose "${id}": id declared twice`);
        return;
      }
      if (typeof id === 'string') declaredIds.add(id);
      const purpose = parsePurpose(entry, index, options.knownRoles ?? defaultRoles, issues);
      if (purpose) purposes.set(purpose.id, purpose);
    });
  }
  const notices = parseNotices(root.notices, declaredIds, noticeTexts, issues);
  if (issues.length > 0) throw invalid(issues);
  return { purposes, notices };
};

const invalid = (issues: readonly string[]): ConsentError =>
  new ConsentError('CONSENT.CATALOG_INVALID', `Invalid purpose catalog: ${issues.join('; ')}`);

const parsePurpose = (
  entry: unknown,
  index: number,
  knownRoles: readonly string[],
  issues: Issues,
): Purpose | undefined => {
  const object = asObject(entry);
  if (!object) {
    issues.push(`purposes[${index}]: must be an object`);
    return undefined;
  }
  const where = typeof object.id === 'string' ? `purpose "${object.id}"` : `purposes[${index}]`;
  const before = issues.length;
  checkKeys(object, PURPOSE_KEYS, where, issues);
  const id = text(object, 'id', where, issues);
  if (id !== undefined && !PURPOSE_ID.test(id)) {
    issues.push(`${where}: "id" must be snake_case (${String(PURPOSE_ID)})`);
  }
  const description = text(object, 'description', where, issues);
  const lawfulBasis = object.lawfulBasis;
  if (!(lawfulBases as readonly unknown[]).includes(lawfulBasis)) {
    issues.push(`${where}: "lawfulBasis" must be one of ${lawfulBases.join(' | ')}`);
  }
  const basisNote =
    object.basisNote === undefined ? undefined : text(object, 'basisNote', where, issues);
  const inJurisdictions =
    object.jurisdictions === undefined
      ? [...jurisdictions]
      : (list(object, 'jurisdictions', where, issues, isJurisdiction, 'expected PIPL or GDPR') as
          Jurisdiction[] | undefined);
  if (lawfulBasis === 'legitimate_interests' && inJurisdictions?.includes('PIPL')) {
    issues.push(
      `${where}: lawful basis legitimate_interests does not exist under PIPL (art. 13); use consent, or limit "jurisdictions" to GDPR`,
    );
  }
  const fields = list(object, 'fields', where, issues, isFieldName, 'which is not a known field');
  const roles = list(
    object,
    'roles',
    where,
    issues,
    (role) => knownRoles.includes(role),
    `expected one of ${knownRoles.join(', ')}`,
  );
  const retention = text(object, 'retention', where, issues);
  const retentionPeriod = parseIsoDuration(retention);
  if (retention !== undefined && !retentionPeriod) {
    issues.push(
      `${where}: "retention" must be a non-zero ISO-8601 duration in years, months, weeks or days, like P2Y or P18M`,
    );
  }
  // `=== undefined`, not `??`: a JSON null is a mistake to report, not a default.
  const everyCustomer = object.everyCustomer === undefined ? false : object.everyCustomer;
  if (typeof everyCustomer !== 'boolean') {
    issues.push(`${where}: "everyCustomer" must be true or false`);
  } else if (everyCustomer && lawfulBasis !== 'legal_obligation') {
    issues.push(`${where}: "everyCustomer" is only for a legal_obligation owed for every customer`);
  }
  if (issues.length > before) return undefined;
  // Every value below was checked above; the casts only narrow what the checks proved.
  const basis = lawfulBasis as LawfulBasis;
  const purposeFields = fields as FieldName[];
  return {
    id: id as string,
    description: description as string,
    lawfulBasis: basis,
    ...(basisNote === undefined ? {} : { basisNote }),
    jurisdictions: inJurisdictions as Jurisdiction[],
    fields: purposeFields,
    roles: roles as string[],
    retention: retention as string,
    retentionPeriod: retentionPeriod as IsoDuration,
    requiresSeparateConsent: basis === 'consent' && purposeFields.some(isSensitiveField),
    everyCustomer: everyCustomer === true,
  };
};

const isJurisdiction = (value: string): boolean =>
  (jurisdictions as readonly string[]).includes(value);

/** The purpose with this id, if the catalog has it. */
export const findPurpose = (catalog: PurposeCatalog, id: string): Purpose | undefined =>
  catalog.purposes.get(id);

/** Purposes whose field list includes `field`. */
export const purposesCovering = (catalog: PurposeCatalog, field: FieldName): Purpose[] =>
  [...catalog.purposes.values()].filter((purpose) => purpose.fields.includes(field));

/** Whether any of `roles` may use the purpose (for guards on reads and writes). */
export const mayUsePurpose = (purpose: Purpose, roles: readonly string[]): boolean =>
  roles.some((role) => purpose.roles.includes(role));
