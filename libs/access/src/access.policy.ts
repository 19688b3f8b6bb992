import { AbilityBuilder, createMongoAbility, type MongoAbility, subject } from '@casl/ability';
import type { Actor } from '@custodia/identity';

/** What can be done to customer records. */
export type CustomerAction = 'read' | 'reveal' | 'export';

/** The facts about a customer the policy looks at: who owns it, in which team. */
export type CustomerScopeFacts = { readonly ownerId: string; readonly team: string };

type CustomerSubject = CustomerScopeFacts & { readonly __caslSubjectType__?: 'Customer' };
export type CustomerAbility = MongoAbility<[CustomerAction, 'Customer' | CustomerSubject]>;

/**
 * Which customers each role may touch (deny by default: a role not listed gets nothing):
 * `sales` their own; `sales_manager` their team's; `dpo` any (privacy work); `admin` any, to hand
 * customers over, masked like everyone else; `finance` any, business fields only (the field
 * views see to that); `auditor` none (access timelines only). Export is a permission of its own.
 */
export const customerAbilityFor = (actor: Actor): CustomerAbility => {
  const { can, build } = new AbilityBuilder<CustomerAbility>(createMongoAbility);
  for (const role of actor.roles) {
    switch (role) {
      case 'sales':
        can(['read', 'reveal', 'export'], 'Customer', { ownerId: actor.userId });
        break;
      case 'sales_manager':
        if (actor.team !== null)
          can(['read', 'reveal', 'export'], 'Customer', { team: actor.team });
        break;
      case 'finance':
        can(['read', 'export'], 'Customer');
        break;
      case 'dpo':
        can(['read', 'reveal'], 'Customer');
        break;
      case 'admin':
        can('read', 'Customer');
        break;
      case 'auditor':
        break;
    }
  }
  return build();
};

export const mayAccessCustomer = (
  ability: CustomerAbility,
  action: CustomerAction,
  customer: CustomerScopeFacts,
): boolean =>
  ability.can(action, subject('Customer', { ownerId: customer.ownerId, team: customer.team }));

/** Which customers a list or export may return: none, all, or those of some owners or teams. */
export type CustomerScope =
  | { readonly kind: 'none' }
  | { readonly kind: 'all' }
  | {
      readonly kind: 'some';
      readonly ownerIds: readonly string[];
      readonly teams: readonly string[];
    };

/**
 * The ability's rules for `action` as a scope a query can apply, so that lists and exports
 * answer from the same rules as single reads.
 */
export const customerScope = (ability: CustomerAbility, action: CustomerAction): CustomerScope => {
  const ownerIds = new Set<string>();
  const teams = new Set<string>();
  for (const rule of ability.rulesFor(action, 'Customer')) {
    if (rule.inverted) throw new Error('customer policy: inverted rules are not supported');
    const conditions = rule.conditions as Partial<CustomerScopeFacts> | undefined;
    if (conditions === undefined) return { kind: 'all' };
    if (typeof conditions.ownerId === 'string') ownerIds.add(conditions.ownerId);
    else if (typeof conditions.team === 'string') teams.add(conditions.team);
    else throw new Error('customer policy: unsupported condition');
  }
  if (ownerIds.size === 0 && teams.size === 0) return { kind: 'none' };
  return { kind: 'some', ownerIds: [...ownerIds], teams: [...teams] };
};
