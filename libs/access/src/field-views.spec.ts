import { fieldNames, isPersonalField, isSensitiveField } from '@custodia/consent';
import { ROLES, type Role } from '@custodia/identity';
import fc from 'fast-check';
import {
  allFields,
  FIELD_VIEWS,
  type FieldView,
  mayReveal,
  REVEALABLE,
  viewOf,
} from './field-views';

const RANK: Record<FieldView, number> = { hidden: 0, masked: 1, full: 2 };
const rolesArb = fc.uniqueArray(fc.constantFrom(...ROLES), { maxLength: ROLES.length });
const fieldArb = fc.constantFrom(...fieldNames);
const businessFields = fieldNames.filter((field) => !isPersonalField(field));

describe('FIELD_VIEWS', () => {
  it('has a view for every role and every field', () => {
    expect(Object.keys(FIELD_VIEWS).sort()).toEqual([...ROLES].sort());
    expect(allFields).toEqual(fieldNames);
    for (const role of ROLES) {
      expect(Object.keys(FIELD_VIEWS[role]).sort()).toEqual([...fieldNames].sort());
      for (const field of fieldNames) {
        expect(['full', 'masked', 'hidden']).toContain(FIELD_VIEWS[role][field]);
      }
    }
  });

  it('shows no personal field in full, except follow-up notes to sales and their managers', () => {
    const full = ROLES.flatMap((role) =>
      fieldNames
        .filter((field) => isPersonalField(field) && FIELD_VIEWS[role][field] === 'full')
        .map((field) => `${role}.${field}`),
    );
    expect(full.sort()).toEqual(['sales.followUpNotes', 'sales_manager.followUpNotes']);
  });

  it('shows finance the business fields only', () => {
    for (const field of fieldNames) {
      expect([field, FIELD_VIEWS.finance[field]]).toEqual([
        field,
        isPersonalField(field) ? 'hidden' : 'full',
      ]);
    }
  });

  it('shows the auditor nothing', () => {
    for (const field of fieldNames) expect(FIELD_VIEWS.auditor[field]).toBe('hidden');
  });

  it('shows the admin no sensitive field and no contact detail in the clear', () => {
    for (const field of fieldNames.filter(isSensitiveField)) {
      expect(FIELD_VIEWS.admin[field]).toBe('hidden');
    }
    for (const field of fieldNames.filter(isPersonalField)) {
      expect(FIELD_VIEWS.admin[field]).not.toBe('full');
    }
  });

  it('shows every customer-facing role the business fields in full', () => {
    for (const role of ['sales', 'sales_manager', 'finance', 'dpo', 'admin'] as const) {
      for (const field of businessFields) expect(FIELD_VIEWS[role][field]).toBe('full');
    }
  });

  it('hides sensitive fields from sales and masks them for managers and the DPO', () => {
    expect(FIELD_VIEWS.sales.idNumber).toBe('hidden');
    expect(FIELD_VIEWS.sales.income).toBe('hidden');
    expect(FIELD_VIEWS.sales_manager.idNumber).toBe('masked');
    expect(FIELD_VIEWS.dpo.income).toBe('masked');
  });
});

describe(viewOf.name, () => {
  it('is the role’s own view for a single role', () => {
    for (const role of ROLES) {
      for (const field of fieldNames) expect(viewOf([role], field)).toBe(FIELD_VIEWS[role][field]);
    }
  });

  it('is hidden for no role at all', () => {
    for (const field of fieldNames) expect(viewOf([], field)).toBe('hidden');
  });

  it('takes the most permissive view of several roles', () => {
    expect(viewOf(['finance', 'admin'], 'name')).toBe('masked');
    expect(viewOf(['auditor', 'finance'], 'company')).toBe('full');
    expect(viewOf(['admin', 'sales'], 'followUpNotes')).toBe('full');
    expect(viewOf(['dpo', 'sales'], 'followUpNotes')).toBe('full');
    expect(viewOf(['sales', 'dpo'], 'idNumber')).toBe('masked');
  });

  it('is the maximum of the views, whatever the order of the roles', () => {
    fc.assert(
      fc.property(rolesArb, fieldArb, (roles, field) => {
        const best = Math.max(0, ...roles.map((role: Role) => RANK[FIELD_VIEWS[role][field]]));
        expect(RANK[viewOf(roles, field)]).toBe(best);
        expect(viewOf([...roles].reverse(), field)).toBe(viewOf(roles, field));
      }),
    );
  });
});

describe(mayReveal.name, () => {
  it('lets admins, finance and auditors reveal nothing', () => {
    for (const field of fieldNames) {
      expect(mayReveal(['admin'], field)).toBe(false);
      expect(mayReveal(['finance'], field)).toBe(false);
      expect(mayReveal(['auditor'], field)).toBe(false);
      expect(mayReveal(['admin', 'finance', 'auditor'], field)).toBe(false);
    }
  });

  it('lets a rep reveal contact details but no sensitive field or notes', () => {
    expect(mayReveal(['sales'], 'phone')).toBe(true);
    expect(mayReveal(['sales'], 'address')).toBe(true);
    expect(mayReveal(['sales'], 'idNumber')).toBe(false);
    expect(mayReveal(['sales'], 'income')).toBe(false);
    expect(mayReveal(['sales'], 'followUpNotes')).toBe(false);
  });

  it('lets a manager also reveal the sensitive fields, and the DPO every personal field', () => {
    expect(mayReveal(['sales_manager'], 'idNumber')).toBe(true);
    expect(mayReveal(['sales_manager'], 'followUpNotes')).toBe(false);
    for (const field of fieldNames.filter(isPersonalField)) {
      expect(mayReveal(['dpo'], field)).toBe(true);
    }
  });

  it('never reveals a business field (nothing to reveal) nor anything to nobody', () => {
    for (const field of fieldNames) expect(mayReveal([], field)).toBe(false);
    for (const role of ROLES) {
      for (const field of businessFields) expect(mayReveal([role], field)).toBe(false);
    }
  });

  it('reveals only masked fields: never a field the role cannot see', () => {
    for (const role of ROLES) {
      for (const field of REVEALABLE[role]) expect(FIELD_VIEWS[role][field]).toBe('masked');
    }
  });

  it('is true for several roles when any of them may reveal', () => {
    fc.assert(
      fc.property(rolesArb, fieldArb, (roles, field) => {
        expect(mayReveal(roles, field)).toBe(roles.some((role) => mayReveal([role], field)));
      }),
    );
  });
});
