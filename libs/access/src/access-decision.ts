import {
  type FieldName,
  isSensitiveField,
  type LawfulBasis,
  type Purpose,
  type PurposeCatalog,
} from '@custodia/consent';
import type { Actor, Role } from '@custodia/identity';
import {
  type CustomerAbility,
  type CustomerAction,
  type CustomerScopeFacts,
  mayAccessCustomer,
} from './access.policy';
import { type FieldView, viewOf } from './field-views';

/** One active basis of a customer, as the read models summarise it. */
export type ActiveBasis = {
  readonly purpose: string;
  readonly lawfulBasis: LawfulBasis;
  /** A consent given separately (PIPL art. 29): needed for sensitive fields. */
  readonly separate: boolean;
};

export type CustomerAccessFacts = CustomerScopeFacts & {
  readonly customerId: string;
  readonly activeBases: readonly ActiveBasis[];
};

/** Why a read was refused; each maps to a status and goes into the `AccessDenied` event. */
export type DenialReason =
  /** The `X-Purpose` names no purpose of the catalog. */
  | 'PURPOSE_UNKNOWN'
  /** None of the actor's roles may use the purpose. */
  | 'PURPOSE_NOT_ALLOWED_FOR_ROLE'
  /** The customer is outside the actor's scope (not theirs, not their team's). */
  | 'OUT_OF_SCOPE'
  /** The customer's consent (or other basis) does not cover the purpose. */
  | 'PURPOSE_NOT_COVERED';

export type AccessDecision =
  | {
      readonly allowed: true;
      readonly purpose: Purpose;
      /** The fields this read may return and how; hidden fields are absent. */
      readonly fields: ReadonlyMap<FieldName, Exclude<FieldView, 'hidden'>>;
    }
  | { readonly allowed: false; readonly reason: DenialReason };

const deny = (reason: DenialReason): AccessDecision => ({ allowed: false, reason });

/** The actor's roles that may use `purpose`. */
export const rolesForPurpose = (actor: Actor, purpose: Purpose): Role[] =>
  actor.roles.filter((role) => purpose.roles.includes(role));

/** Checks the purpose against the actor alone (before any customer is looked at). */
export const purposeFor = (
  actor: Actor,
  purposeId: string,
  catalog: PurposeCatalog,
): { purpose: Purpose; roles: Role[] } | { reason: DenialReason } => {
  const purpose = catalog.purposes.get(purposeId);
  if (purpose === undefined) return { reason: 'PURPOSE_UNKNOWN' };
  const roles = rolesForPurpose(actor, purpose);
  if (roles.length === 0) return { reason: 'PURPOSE_NOT_ALLOWED_FOR_ROLE' };
  return { purpose, roles };
};

/**
 * The fields a purpose lets these roles see of a customer with these bases: the purpose's fields
 * (minimum necessity, on reads too), each as the roles' field view, a sensitive field only under
 * a separate consent when the basis is consent.
 */
export const fieldsFor = (
  roles: readonly Role[],
  purpose: Purpose,
  basis: ActiveBasis | undefined,
): Map<FieldName, Exclude<FieldView, 'hidden'>> => {
  const fields = new Map<FieldName, Exclude<FieldView, 'hidden'>>();
  for (const field of purpose.fields) {
    if (isSensitiveField(field) && basis?.lawfulBasis === 'consent' && !basis.separate) continue;
    const view = viewOf(roles, field);
    if (view !== 'hidden') fields.set(field, view);
  }
  return fields;
};

/**
 * Whether `actor` may `action` this customer for `purposeId`, and which fields, how: the role
 * may use the purpose, the customer is in the actor's scope, and the customer's consent or other
 * recorded basis for the purpose is active (or the purpose rests on a duty towards every
 * customer). Deny by default: every other case is a reason.
 */
export const decideCustomerAccess = (
  actor: Actor,
  ability: CustomerAbility,
  action: CustomerAction,
  purposeId: string,
  customer: CustomerAccessFacts,
  catalog: PurposeCatalog,
  /**
   * `requireCoverage: false` for what says whether a purpose is covered (the consents
   * themselves): role and scope still apply, and no field is returned without a basis.
   */
  options: { readonly requireCoverage?: boolean } = {},
): AccessDecision => {
  const found = purposeFor(actor, purposeId, catalog);
  if ('reason' in found) return deny(found.reason);
  if (!mayAccessCustomer(ability, action, customer)) return deny('OUT_OF_SCOPE');
  const basis = customer.activeBases.find((active) => active.purpose === purposeId);
  if (basis === undefined && !found.purpose.everyCustomer) {
    if (options.requireCoverage !== false) return deny('PURPOSE_NOT_COVERED');
    return { allowed: true, purpose: found.purpose, fields: new Map() };
  }
  return {
    allowed: true,
    purpose: found.purpose,
    fields: fieldsFor(found.roles, found.purpose, basis),
  };
};
