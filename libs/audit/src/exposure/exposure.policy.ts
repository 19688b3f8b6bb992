import {
  type ActiveBasis,
  allFields,
  type CustomerAccessFacts,
  customerAbilityFor,
  decideCustomerAccess,
  mayAccessCustomer,
  mayReveal,
  rolesForPurpose,
} from '@custodia/access';
import type { FieldName, PurposeCatalog } from '@custodia/consent';
import type { Actor } from '@custodia/identity';
import type { CustomerAsOf } from './exposure-replay';

/** How a user could see a field: clear value, masked form, or not at all. */
export type ExposureView = 'clear' | 'masked' | 'hidden';

/** What one purpose let a user do with the customer. */
export type PurposeExposure = {
  readonly purpose: string;
  /** Every catalog field, as a read for this purpose would have shown it. */
  readonly fields: Readonly<Record<FieldName, ExposureView>>;
  /** Masked fields the user could have revealed in the clear (each reveal audited). */
  readonly mayReveal: readonly FieldName[];
  /** Whether an export for this purpose could have included the customer. */
  readonly mayExport: boolean;
};

export type UserExposure = {
  readonly userId: string;
  readonly roles: readonly string[];
  readonly team: string | null;
  /** Under offboarding notice at that time (exports refused, reveals limited). */
  readonly underNotice: boolean;
  /** Only purposes that showed at least one field. */
  readonly purposes: readonly PurposeExposure[];
};

const VIEW = { full: 'clear', masked: 'masked' } as const;

/** The same facts the live read decides on: owner, team and the active bases (no value). */
export const accessFactsOf = (customer: CustomerAsOf): CustomerAccessFacts => ({
  customerId: customer.customerId,
  ownerId: customer.ownerId ?? '',
  team: customer.team ?? '',
  activeBases: [...customer.consent.active.values()].map(
    ({ purpose, lawfulBasis, separate }): ActiveBasis => ({ purpose, lawfulBasis, separate }),
  ),
});

/**
 * What `actor` could see of the customer, per purpose, by the live policy itself: the CASL
 * ability (`customerAbilityFor`), the read decision with purpose coverage
 * (`decideCustomerAccess`), the field views, and the reveal rules of `POST …/reveal` (the reveal
 * right in scope, the field shown masked for the purpose, a role that may reveal it).
 */
export const exposureOfUser = (
  actor: Actor,
  customer: CustomerAsOf,
  catalog: PurposeCatalog,
): UserExposure | undefined => {
  if (!customer.registered || customer.erasedAt !== null) return undefined;
  const facts = accessFactsOf(customer);
  const ability = customerAbilityFor(actor);
  const underNotice = actor.leavesAt !== undefined;
  const purposes: PurposeExposure[] = [];
  for (const purposeId of [...catalog.purposes.keys()].sort()) {
    const decision = decideCustomerAccess(actor, ability, 'read', purposeId, facts, catalog);
    if (!decision.allowed || decision.fields.size === 0) continue;
    const fields = Object.fromEntries(
      allFields.map((field) => {
        const view = decision.fields.get(field);
        return [field, view === undefined ? 'hidden' : VIEW[view]];
      }),
    ) as Record<FieldName, ExposureView>;
    const roles = rolesForPurpose(actor, decision.purpose);
    const revealable = mayAccessCustomer(ability, 'reveal', facts)
      ? allFields.filter((field) => fields[field] === 'masked' && mayReveal(roles, field))
      : [];
    const exportDecision = decideCustomerAccess(
      actor,
      ability,
      'export',
      purposeId,
      facts,
      catalog,
    );
    purposes.push({
      purpose: purposeId,
      fields,
      mayReveal: revealable,
      // Under notice every export is refused (AccessDenied UNDER_NOTICE).
      mayExport: exportDecision.allowed && exportDecision.fields.size > 0 && !underNotice,
    });
  }
  if (purposes.length === 0) return undefined;
  return {
    userId: actor.userId,
    roles: actor.roles,
    team: actor.team,
    underNotice,
    purposes,
  };
};
