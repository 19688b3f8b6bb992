import {
  type ConsentState,
  coveredFields,
  isSensitiveField,
  type PurposeCatalog,
  purposesCovering,
} from '@custodia/consent';
import type { CustomerProfile, ProfileField } from './customer-profile';
import { profileFields } from './customer-profile';
import { CustomerError } from './customer.errors';

/**
 * Minimum necessity (PIPL art. 6, GDPR art. 5(1)(c)): a field is stored only while an active
 * purpose covers it; a sensitive one only through a separate consent (PIPL art. 29).
 */
export const assertFieldsCovered = (
  fields: Iterable<ProfileField>,
  consent: ConsentState,
  catalog: PurposeCatalog,
): void => {
  const covered = coveredFields(consent, catalog);
  for (const field of fields) {
    if (covered.has(field)) continue;
    const candidates = purposesCovering(catalog, field).map((purpose) => purpose.id);
    const hint = candidates.length > 0 ? `; purposes covering it: ${candidates.join(', ')}` : '';
    if (isSensitiveField(field)) {
      throw new CustomerError(
        'CUSTOMER.SEPARATE_CONSENT_REQUIRED',
        `profile.${field}: sensitive personal information is stored only under an active separate consent for a purpose covering it (PIPL art. 29)${hint}`,
        `profile.${field}`,
      );
    }
    throw new CustomerError(
      'CUSTOMER.FIELD_NOT_COVERED',
      `profile.${field}: no active purpose covers this field (minimum necessity, PIPL art. 6)${hint}`,
      `profile.${field}`,
    );
  }
};

/** The fields a profile holds. */
export const presentFields = (profile: CustomerProfile): ProfileField[] =>
  profileFields.filter((field) => profile[field] !== undefined);

/**
 * Fields still held that no active purpose covers any more (after a withdrawal, or a purpose's
 * end): what a retention policy must erase (PIPL art. 47).
 */
export const fieldsWithoutPurpose = (
  profile: CustomerProfile,
  consent: ConsentState,
  catalog: PurposeCatalog,
): ProfileField[] => {
  const covered = coveredFields(consent, catalog);
  return presentFields(profile).filter((field) => !covered.has(field));
};
