import { type Actor, ROLES, type Role } from '@custodia/identity';
import fc from 'fast-check';
import {
  type CustomerAction,
  customerAbilityFor,
  customerScope,
  type CustomerScopeFacts,
  mayAccessCustomer,
} from './access.policy';

const ACTIONS: readonly CustomerAction[] = ['read', 'reveal', 'export'];

const anActor = (
  roles: readonly Role[],
  userId = 'u-rep',
  team: string | null = 'north',
): Actor => ({
  userId,
  roles,
  team,
});

const OWN: CustomerScopeFacts = { ownerId: 'u-rep', team: 'north' };
const TEAMMATES: CustomerScopeFacts = { ownerId: 'u-other', team: 'north' };
const ELSEWHERE: CustomerScopeFacts = { ownerId: 'u-far', team: 'south' };
const CUSTOMERS = [OWN, TEAMMATES, ELSEWHERE];

/** What `actor` may do to each customer, as `action:owner` strings. */
const allowed = (actor: Actor): string[] => {
  const ability = customerAbilityFor(actor);
  return ACTIONS.flatMap((action) =>
    CUSTOMERS.filter((customer) => mayAccessCustomer(ability, action, customer)).map(
      (customer) => `${action}:${customer.ownerId}`,
    ),
  );
};

const everyAction = (action: CustomerAction): string[] =>
  CUSTOMERS.map((customer) => `${action}:${customer.ownerId}`);

describe(customerAbilityFor.name, () => {
  it('lets a rep read, reveal and export their own customers only', () => {
    expect(allowed(anActor(['sales']))).toEqual(['read:u-rep', 'reveal:u-rep', 'export:u-rep']);
  });

  it('never lets a rep touch a teammate’s customer', () => {
    const sut = customerAbilityFor(anActor(['sales']));
    for (const action of ACTIONS) expect(mayAccessCustomer(sut, action, TEAMMATES)).toBe(false);
  });

  it('lets a manager read, reveal and export their team’s customers only', () => {
    expect(allowed(anActor(['sales_manager'], 'u-boss')).sort()).toEqual(
      [
        'read:u-rep',
        'read:u-other',
        'reveal:u-rep',
        'reveal:u-other',
        'export:u-rep',
        'export:u-other',
      ].sort(),
    );
  });

  it('gives a manager without a team nothing', () => {
    expect(allowed(anActor(['sales_manager'], 'u-boss', null))).toEqual([]);
  });

  it('lets finance read and export every customer but reveal none', () => {
    expect(allowed(anActor(['finance'], 'u-fin', null))).toEqual([
      ...everyAction('read'),
      ...everyAction('export'),
    ]);
  });

  it('lets the DPO read and reveal every customer but export none', () => {
    expect(allowed(anActor(['dpo'], 'u-dpo', null))).toEqual([
      ...everyAction('read'),
      ...everyAction('reveal'),
    ]);
  });

  it('lets an admin read every customer, nothing more', () => {
    expect(allowed(anActor(['admin'], 'u-admin', null))).toEqual(everyAction('read'));
  });

  it('gives the auditor and an actor without roles nothing', () => {
    expect(allowed(anActor(['auditor'], 'u-audit', null))).toEqual([]);
    expect(allowed(anActor([]))).toEqual([]);
  });

  it('unites the permissions of several roles', () => {
    expect(allowed(anActor(['sales', 'admin']))).toEqual([
      ...everyAction('read'),
      'reveal:u-rep',
      'export:u-rep',
    ]);
    expect(allowed(anActor(['finance', 'dpo'], 'u-x', null))).toEqual([
      ...everyAction('read'),
      ...everyAction('reveal'),
      ...everyAction('export'),
    ]);
  });

  it('allows for several roles exactly what one of them allows (a union)', () => {
    const roleArb = fc.constantFrom<Role>(...ROLES);
    fc.assert(
      fc.property(fc.uniqueArray(roleArb, { maxLength: 6 }), (roles) => {
        const together = new Set(allowed(anActor(roles)));
        const separately = new Set(roles.flatMap((role) => allowed(anActor([role]))));
        expect([...together].sort()).toEqual([...separately].sort());
      }),
    );
  });
});

describe(customerScope.name, () => {
  const scopes = (actor: Actor) => {
    const ability = customerAbilityFor(actor);
    return {
      read: customerScope(ability, 'read'),
      reveal: customerScope(ability, 'reveal'),
      export: customerScope(ability, 'export'),
    };
  };
  const none = { kind: 'none' };
  const all = { kind: 'all' };

  it('limits a rep to their own customers for every action', () => {
    const own = { kind: 'some', ownerIds: ['u-rep'], teams: [] };
    expect(scopes(anActor(['sales']))).toEqual({ read: own, reveal: own, export: own });
  });

  it('limits a manager to their team, and to nothing without one', () => {
    const team = { kind: 'some', ownerIds: [], teams: ['north'] };
    expect(scopes(anActor(['sales_manager'], 'u-boss'))).toEqual({
      read: team,
      reveal: team,
      export: team,
    });
    expect(scopes(anActor(['sales_manager'], 'u-boss', null))).toEqual({
      read: none,
      reveal: none,
      export: none,
    });
  });

  it('gives finance, the DPO, the admin and the auditor all or none per action', () => {
    expect(scopes(anActor(['finance']))).toEqual({ read: all, reveal: none, export: all });
    expect(scopes(anActor(['dpo']))).toEqual({ read: all, reveal: all, export: none });
    expect(scopes(anActor(['admin']))).toEqual({ read: all, reveal: none, export: none });
    expect(scopes(anActor(['auditor']))).toEqual({ read: none, reveal: none, export: none });
  });

  it('unites owners and teams of several roles, and all wins over some', () => {
    const both = { kind: 'some', ownerIds: ['u-rep'], teams: ['north'] };
    expect(scopes(anActor(['sales', 'sales_manager']))).toEqual({
      read: both,
      reveal: both,
      export: both,
    });
    expect(scopes(anActor(['sales', 'admin']))).toEqual({
      read: all,
      reveal: { kind: 'some', ownerIds: ['u-rep'], teams: [] },
      export: { kind: 'some', ownerIds: ['u-rep'], teams: [] },
    });
  });

  it('answers a list as the single checks do', () => {
    const roleArb = fc.constantFrom<Role>(...ROLES);
    fc.assert(
      fc.property(
        fc.uniqueArray(roleArb, { maxLength: 6 }),
        fc.option(fc.constantFrom('north', 'south'), { nil: null }),
        fc.constantFrom(...ACTIONS),
        (roles, team, action) => {
          const ability = customerAbilityFor(anActor(roles, 'u-rep', team));
          const scope = customerScope(ability, action);
          for (const customer of CUSTOMERS) {
            const inScope =
              scope.kind === 'all' ||
              (scope.kind === 'some' &&
                (scope.ownerIds.includes(customer.ownerId) || scope.teams.includes(customer.team)));
            expect(inScope).toBe(mayAccessCustomer(ability, action, customer));
          }
        },
      ),
    );
  });
});
