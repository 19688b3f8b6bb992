import type { ConsentState } from './consent.decider';
import { type FieldName, isSensitiveField } from './field-catalog';
import { instantMs } from './iso-time';
import type { Purpose, PurposeCatalog } from './purpose-catalog';

/** Purposes that may be used for this customer now (consent given, or another basis recorded). */
export const activePurposes = (state: ConsentState): string[] => [...state.active.keys()].sort();

/**
 * Whether `purpose` is active now and, when `at` is given, was already active at that instant
 * without interruption since (a withdrawal takes effect at once and ends the period).
 */
export const isPurposeActive = (state: ConsentState, purpose: string, at?: string): boolean => {
  const basis = state.active.get(purpose);
  if (!basis) return false;
  return at === undefined || instantMs(basis.since) <= instantMs(at);
};

/**
 * Whether the active basis of `purpose` covers `field`: the catalog lists the field for the
 * purpose and, for a sensitive field under consent, that consent was given separately.
 */
export const purposeCoversField = (
  state: ConsentState,
  purpose: Purpose,
  field: FieldName,
): boolean => {
  const basis = state.active.get(purpose.id);
  if (!basis || !purpose.fields.includes(field)) return false;
  // The catalog may gain a sensitive field after a plain consent: that consent does not cover it.
  return !(isSensitiveField(field) && basis.lawfulBasis === 'consent' && !basis.separate);
};

/** The fields this customer's active purposes let Custodia store (minimum necessity). */
export const coveredFields = (state: ConsentState, catalog: PurposeCatalog): Set<FieldName> => {
  const fields = new Set<FieldName>();
  for (const id of state.active.keys()) {
    const purpose = catalog.purposes.get(id);
    // A purpose removed from the catalog covers nothing any more.
    if (!purpose) continue;
    for (const field of purpose.fields) {
      if (purposeCoversField(state, purpose, field)) fields.add(field);
    }
  }
  return fields;
};
