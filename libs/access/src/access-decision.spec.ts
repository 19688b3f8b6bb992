import { join } from 'node:path';
import {
  defaultCatalogFiles,
  isPersonalField,
  loadPurposeCatalog,
  type PurposeCatalog,
} from '@custodia/consent';
import { type Actor, ROLES, type Role } from '@custodia/identity';
import fc from 'fast-check';
import {
  type AccessDecision,
  type ActiveBasis,
  type CustomerAccessFacts,
  decideCustomerAccess,
} from './access-decision';
import { type CustomerAction, customerAbilityFor } from './access.policy';

const REP: Actor = { userId: 'u-rep', roles: ['sales'], team: 'north' };
const OTHER_REP: Actor = { userId: 'u-other', roles: ['sales'], team: 'north' };
const MANAGER: Actor = { userId: 'u-boss', roles: ['sales_manager'], team: 'north' };
const FINANCE: Actor = { userId: 'u-fin', roles: ['finance'], team: null };
const DPO: Actor = { userId: 'u-dpo', roles: ['dpo'], team: null };
const ADMIN: Actor = { userId: 'u-admin', roles: ['admin'], team: null };
const AUDITOR: Actor = { userId: 'u-audit', roles: ['auditor'], team: null };

const consent = (purpose: string, separate = false): ActiveBasis => ({
  purpose,
  lawfulBasis: 'consent',
  separate,
});

const aCustomer = (
  activeBases: readonly ActiveBasis[] = [consent('sales_followup')],
  ownerId = 'u-rep',
  team = 'north',
): CustomerAccessFacts => ({ customerId: 'c-1', ownerId, team, activeBases });

const ALL_BASES = [
  consent('sales_followup'),
  consent('marketing'),
  { purpose: 'service', lawfulBasis: 'contract', separate: false },
  { purpose: 'order_fulfilment', lawfulBasis: 'contract', separate: false },
  consent('credit_assessment', true),
  consent('analytics'),
] as const satisfies readonly ActiveBasis[];

describe(decideCustomerAccess.name, () => {
  let catalog: PurposeCatalog;
  beforeAll(async () => {
    catalog = await loadPurposeCatalog(defaultCatalogFiles(join(__dirname, '../../..')), {
      knownRoles: ROLES,
    });
  });

  const sut = (
    actor: Actor,
    purpose: string,
    customer: CustomerAccessFacts = aCustomer(),
    action: CustomerAction = 'read',
  ): AccessDecision =>
    decideCustomerAccess(actor, customerAbilityFor(actor), action, purpose, customer, catalog);

  /** The allowed fields as a plain object, or the reason for the refusal. */
  const outcome = (decision: AccessDecision): Record<string, string> | string =>
    decision.allowed ? Object.fromEntries(decision.fields) : decision.reason;

  describe('refusals', () => {
    it('refuses a purpose the catalog does not have, including Object.prototype names', () => {
      for (const purpose of ['astrology', '', 'constructor', '__proto__']) {
        expect(outcome(sut(REP, purpose))).toBe('PURPOSE_UNKNOWN');
      }
    });

    it('refuses a purpose none of the actor’s roles may use', () => {
      expect(outcome(sut(FINANCE, 'sales_followup'))).toBe('PURPOSE_NOT_ALLOWED_FOR_ROLE');
      expect(outcome(sut(REP, 'credit_assessment'))).toBe('PURPOSE_NOT_ALLOWED_FOR_ROLE');
      expect(outcome(sut(REP, 'privacy_rights'))).toBe('PURPOSE_NOT_ALLOWED_FOR_ROLE');
      expect(outcome(sut(AUDITOR, 'privacy_rights'))).toBe('PURPOSE_NOT_ALLOWED_FOR_ROLE');
    });

    it('refuses a rep another rep’s customer, even in the same team', () => {
      const theirs = aCustomer(ALL_BASES, 'u-other', 'north');
      expect(outcome(sut(REP, 'sales_followup', theirs))).toBe('OUT_OF_SCOPE');
      expect(outcome(sut(OTHER_REP, 'sales_followup', theirs))).not.toBe('OUT_OF_SCOPE');
    });

    it('refuses a manager another team’s customer and an action the role lacks', () => {
      const south = aCustomer(ALL_BASES, 'u-far', 'south');
      expect(outcome(sut(MANAGER, 'sales_followup', south))).toBe('OUT_OF_SCOPE');
      expect(outcome(sut(MANAGER, 'customer_administration', south))).toBe('OUT_OF_SCOPE');
      expect(outcome(sut(DPO, 'privacy_rights', aCustomer([]), 'export'))).toBe('OUT_OF_SCOPE');
      expect(outcome(sut(ADMIN, 'customer_administration', aCustomer(), 'reveal'))).toBe(
        'OUT_OF_SCOPE',
      );
    });

    it('refuses a purpose the customer’s consent or basis does not cover', () => {
      expect(outcome(sut(REP, 'sales_followup', aCustomer([])))).toBe('PURPOSE_NOT_COVERED');
      expect(outcome(sut(REP, 'service', aCustomer([consent('sales_followup')])))).toBe(
        'PURPOSE_NOT_COVERED',
      );
      expect(outcome(sut(MANAGER, 'marketing', aCustomer([consent('sales_followup')])))).toBe(
        'PURPOSE_NOT_COVERED',
      );
    });

    it('checks the purpose before the scope, and the scope before the basis', () => {
      const elsewhere = aCustomer([], 'u-far', 'south');
      expect(outcome(sut(FINANCE, 'sales_followup', elsewhere))).toBe(
        'PURPOSE_NOT_ALLOWED_FOR_ROLE',
      );
      expect(outcome(sut(REP, 'sales_followup', elsewhere))).toBe('OUT_OF_SCOPE');
    });
  });

  describe('allowed reads', () => {
    it('shows a rep following up contact details masked, business fields and notes in full', () => {
      const decision = sut(REP, 'sales_followup');
      expect(decision.allowed && decision.purpose.id).toBe('sales_followup');
      expect(outcome(decision)).toEqual({
        name: 'masked',
        phone: 'masked',
        email: 'masked',
        wechat: 'masked',
        company: 'full',
        followUpNotes: 'full',
        products: 'full',
        quote: 'full',
        orderStatus: 'full',
      });
    });

    it('never returns a field outside the purpose (minimum necessity on reads)', () => {
      const fields = outcome(sut(REP, 'service', aCustomer(ALL_BASES)));
      expect(fields).toEqual({
        name: 'masked',
        phone: 'masked',
        address: 'masked',
        followUpNotes: 'full',
      });
      expect(outcome(sut(FINANCE, 'order_fulfilment', aCustomer(ALL_BASES)))).toEqual({
        company: 'full',
        products: 'full',
        quote: 'full',
        orderStatus: 'full',
      });
    });

    it('shows sensitive fields for a credit check only under a separate consent', () => {
      expect(
        outcome(sut(MANAGER, 'credit_assessment', aCustomer([consent('credit_assessment')]))),
      ).toEqual({ name: 'masked' });
      expect(
        outcome(sut(MANAGER, 'credit_assessment', aCustomer([consent('credit_assessment', true)]))),
      ).toEqual({ name: 'masked', idNumber: 'masked', income: 'masked' });
    });

    it('lets the DPO answer privacy requests for any customer, with no basis recorded', () => {
      for (const customer of [
        aCustomer([]),
        aCustomer([], 'u-far', 'south'),
        aCustomer(ALL_BASES),
      ]) {
        expect(outcome(sut(DPO, 'privacy_rights', customer))).toEqual({
          name: 'masked',
          phone: 'masked',
          email: 'masked',
          wechat: 'masked',
          address: 'masked',
          idNumber: 'masked',
          income: 'masked',
          company: 'full',
          followUpNotes: 'masked',
          products: 'full',
          quote: 'full',
          orderStatus: 'full',
        });
      }
      expect(outcome(sut(DPO, 'privacy_rights', aCustomer([]), 'reveal'))).not.toBe('OUT_OF_SCOPE');
    });

    it('shows an admin handing a customer over the name masked and the company, nothing else', () => {
      for (const customer of [aCustomer([]), aCustomer(ALL_BASES, 'u-far', 'south')]) {
        expect(outcome(sut(ADMIN, 'customer_administration', customer))).toEqual({
          name: 'masked',
          company: 'full',
        });
      }
    });

    it('shows a manager with several roles the best view of each field', () => {
      const both: Actor = { ...MANAGER, roles: ['finance', 'sales_manager'] };
      const customer = aCustomer([consent('credit_assessment', true)]);
      expect(outcome(sut(both, 'credit_assessment', customer))).toEqual({
        name: 'masked',
        idNumber: 'masked',
        income: 'masked',
      });
    });
  });

  it('never returns a field outside the purpose, nor a personal field in full but notes', () => {
    const actorArb = fc.record({
      userId: fc.constantFrom('u-rep', 'u-other', 'u-boss'),
      roles: fc.uniqueArray(fc.constantFrom<Role>(...ROLES), { maxLength: 3 }),
      team: fc.constantFrom('north', 'south', null),
    });
    const basesArb = fc.subarray([
      ...ALL_BASES,
      consent('credit_assessment', false),
    ] as ActiveBasis[]);
    fc.assert(
      fc.property(
        actorArb,
        fc.constantFrom(...catalog.purposes.keys()),
        basesArb,
        fc.constantFrom<CustomerAction>('read', 'reveal', 'export'),
        (actor, purposeId, bases, action) => {
          const decision = sut(actor, purposeId, aCustomer(bases), action);
          if (!decision.allowed) return;
          const purpose = catalog.purposes.get(purposeId);
          for (const [field, view] of decision.fields) {
            expect(purpose?.fields).toContain(field);
            if (isPersonalField(field) && field !== 'followUpNotes') expect(view).not.toBe('full');
          }
          const sensitive = decision.fields.has('idNumber') || decision.fields.has('income');
          const separate = bases.some((basis) => basis.purpose === purposeId && basis.separate);
          if (sensitive) expect(purpose?.everyCustomer === true || separate).toBe(true);
        },
      ),
    );
  });
});
