import { type FieldName, fieldNames } from '@custodia/consent';
import type { Role } from '@custodia/identity';

/** How a role sees a field: the value, its masked form, or not at all. */
export type FieldView = 'full' | 'masked' | 'hidden';

const RANK: Readonly<Record<FieldView, number>> = { hidden: 0, masked: 1, full: 2 };

type ViewTable = Readonly<Record<FieldName, FieldView>>;

const contactMasked = {
  name: 'masked',
  phone: 'masked',
  email: 'masked',
  wechat: 'masked',
  address: 'masked',
} as const;
const business = { company: 'full', products: 'full', quote: 'full', orderStatus: 'full' } as const;
const noBusiness = {
  company: 'hidden',
  products: 'hidden',
  quote: 'hidden',
  orderStatus: 'hidden',
} as const;

/**
 * One definition per field, per role (masked by default). Personal fields are never `full` here:
 * a clear value leaves only through a reveal, which is audited on its own. Follow-up notes are
 * the sales team's working text: shown to the reps and managers whose customer it is.
 */
export const FIELD_VIEWS: Readonly<Record<Role, ViewTable>> = {
  sales: {
    ...contactMasked,
    idNumber: 'hidden',
    income: 'hidden',
    ...business,
    followUpNotes: 'full',
  },
  sales_manager: {
    ...contactMasked,
    idNumber: 'masked',
    income: 'masked',
    ...business,
    followUpNotes: 'full',
  },
  // Business fields only: never contact details, never sensitive fields.
  finance: {
    name: 'hidden',
    phone: 'hidden',
    email: 'hidden',
    wechat: 'hidden',
    address: 'hidden',
    idNumber: 'hidden',
    income: 'hidden',
    ...business,
    followUpNotes: 'hidden',
  },
  // Access timelines, no personal values (and no customer records at all: see the policy).
  auditor: {
    name: 'hidden',
    phone: 'hidden',
    email: 'hidden',
    wechat: 'hidden',
    address: 'hidden',
    idNumber: 'hidden',
    income: 'hidden',
    ...noBusiness,
    followUpNotes: 'hidden',
  },
  // Privacy work on any customer: sees what is held, masked; reveals what a request needs.
  dpo: {
    ...contactMasked,
    idNumber: 'masked',
    income: 'masked',
    ...business,
    followUpNotes: 'masked',
  },
  // Users and roles; customers only to hand them over, masked like everyone else.
  admin: {
    ...contactMasked,
    idNumber: 'hidden',
    income: 'hidden',
    ...business,
    followUpNotes: 'hidden',
  },
};

/** The most that any of `roles` sees of `field`. */
export const viewOf = (roles: readonly Role[], field: FieldName): FieldView => {
  let best: FieldView = 'hidden';
  for (const role of roles) {
    const view = FIELD_VIEWS[role][field];
    if (RANK[view] > RANK[best]) best = view;
  }
  return best;
};

/**
 * Which masked fields a role may reveal in the clear (each reveal audited, rate-limited):
 * a rep their customers' contact details to reach them, a manager also the ID number for a
 * credit check, the DPO any personal field to answer a privacy request. Admins, finance and
 * auditors reveal nothing.
 */
export const REVEALABLE: Readonly<Record<Role, readonly FieldName[]>> = {
  sales: ['name', 'phone', 'email', 'wechat', 'address'],
  sales_manager: ['name', 'phone', 'email', 'wechat', 'address', 'idNumber', 'income'],
  finance: [],
  auditor: [],
  dpo: ['name', 'phone', 'email', 'wechat', 'address', 'idNumber', 'income', 'followUpNotes'],
  admin: [],
};

export const mayReveal = (roles: readonly Role[], field: FieldName): boolean =>
  roles.some((role) => REVEALABLE[role].includes(field));

/** Every field, for tables that must cover them all. */
export const allFields: readonly FieldName[] = fieldNames;
