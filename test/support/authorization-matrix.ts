/**
 * The authorization matrix: role × customer-data route × relation → expected status, and for
 * reads that succeed, how each field shows. Written by hand from the access policy
 * (libs/access/src/access.policy.ts), the field views (field-views.ts), the purpose catalog
 * (config/purposes.json) and the @Roles of the write routes: it is the oracle, so it must not be
 * computed from those files. test/authorization-matrix.e2e-spec.ts runs every row.
 */

export type MatrixRole = 'sales' | 'sales_manager' | 'finance' | 'auditor' | 'dpo' | 'admin';

/**
 * `own`: the customer is the rep's own (owner rep.east, team east: the sales user's customer and
 * the sales manager's team). `other`: another owner in another team (rep.north, team north).
 * Roles that see every customer (finance, dpo, admin) expect the same for both.
 */
export type Relation = 'own' | 'other';

export type Field =
  | 'name'
  | 'phone'
  | 'email'
  | 'wechat'
  | 'address'
  | 'idNumber'
  | 'income'
  | 'company'
  | 'products'
  | 'quote'
  | 'orderStatus'
  | 'followUpNotes';

/** `clear`: the registered value; `masked`: present, not the value, in the mask's shape; `hidden`: absent. */
export type Seen = 'clear' | 'masked' | 'hidden';
export type FieldViews = Readonly<Record<Field, Seen>>;

/** The purpose each role would naturally declare (X-Purpose, or `purpose` in the body). */
export const NATURAL_PURPOSE: Readonly<Record<MatrixRole, string>> = {
  sales: 'sales_followup',
  sales_manager: 'sales_followup',
  finance: 'order_fulfilment',
  // The auditor may use no purpose at all: tried with sales_followup, every read is a 403.
  auditor: 'sales_followup',
  dpo: 'privacy_rights',
  admin: 'customer_administration',
};

export const MATRIX_ROUTES = [
  'GET /v1/customers',
  'GET /v1/customers/:id',
  'GET /v1/customers/:id/follow-ups',
  'GET /v1/customers/:id/consents',
  'POST /v1/customers/:id/reveal',
  'POST /v1/exports',
  'PATCH /v1/customers/:id',
  'POST /v1/customers/:id/follow-ups',
  'POST /v1/customers/:id/consents',
  'DELETE /v1/customers/:id/consents/:purpose',
  'POST /v1/customers/:id/owner',
  'POST /v1/customers',
  'POST /v1/customers/handover',
] as const;
export type MatrixRoute = (typeof MATRIX_ROUTES)[number];

/**
 * Routes the app serves under /v1 that carry no customer data, each with the reason. A route in
 * neither list fails the matrix test until someone classifies it (and adds its rows).
 */
export const NO_CUSTOMER_DATA: Readonly<Record<string, string>> = {
  'GET /v1/me': 'the caller’s own user record',
  'GET /v1/purposes': 'the purpose catalog (configuration)',
  'GET /v1/notices': 'the notice catalog (configuration)',
  'GET /v1/alerts': 'access anomalies: actor ids, rules and counts, no personal values',
  'POST /v1/users': 'staff directory (users, roles, teams), not customers',
  'GET /v1/users': 'staff directory',
  'GET /v1/users/:id': 'staff directory',
  'PUT /v1/users/:id/roles': 'staff directory',
  'PUT /v1/users/:id/team': 'staff directory',
  'POST /v1/users/:id/offboarding': 'staff offboarding notice',
  'POST /v1/users/:id/offboard': 'staff offboarding (ends access)',
  'GET /v1/users/:id/access-report': 'what a user accessed: counts and customer ids only',
  // Privacy requests and legal holds (DPO only, 403 for every other role, tested in
  // privacy-requests.e2e-spec.ts): ids, codes, states and dates; notes and reasons are written
  // (sealed under the customer's key) but never read back.
  'POST /v1/privacy-requests': 'privacy request intake: ids, type, regime, due date',
  'GET /v1/privacy-requests': 'privacy requests: ids, states and dates, no notes or reasons',
  'GET /v1/privacy-requests/:id': 'one privacy request: ids, state, dates, outcome ids',
  'POST /v1/privacy-requests/:id/verify': 'privacy request state change',
  'POST /v1/privacy-requests/:id/start': 'privacy request state change',
  'POST /v1/privacy-requests/:id/extend': 'privacy request deadline; the reason is not read back',
  'POST /v1/privacy-requests/:id/reject': 'privacy request state; the reason is not read back',
  'POST /v1/customers/:id/legal-holds': 'legal hold placed: answers its id only',
  'DELETE /v1/legal-holds/:id': 'legal hold lifted: no body',
  // Incidents (dpo opens and moves them on; auditor and dpo read; 403 otherwise, tested in
  // incidents.e2e-spec.ts): the scope is customer ids, field names, actor ids and counts.
  'POST /v1/incidents': 'incident opened: scope of ids, field names and counts, no values',
  'GET /v1/incidents': 'incident register: ids, statuses, deadlines, scope counts',
  'GET /v1/incidents/:id': 'one incident: description, scope ids and field names, history',
  'POST /v1/incidents/:id/status': 'incident status change',
  'GET /v1/audit/report':
    'period access summary (auditor, dpo): actor ids, purposes, field names, counts, request ids',
  // Audit timeline and exposure (auditor and dpo; 403 otherwise, tested in
  // audit-access.e2e-spec.ts): never a value, a canary test checks every answer.
  'GET /v1/audit/access':
    'accesses and changes: ids, roles, purposes, field names, kinds, masked/clear flags',
  'GET /v1/audit/exposure':
    'who could see which fields as of a time: user ids, roles, teams, purposes, field names',
  // Tamper evidence (auditor, dpo; tested in tamper-evidence.e2e-spec.ts): positions, stream
  // ids, hashes and counts; the log is read as stored (envelopes) and no value is returned.
  'GET /v1/audit/verify': 'log verification report: positions, stream ids, hashes, counts',
  'POST /v1/audit/tree-heads': 'a signed Merkle tree head: sizes, hashes, a signature',
  'GET /v1/audit/public-key': 'the service’s Ed25519 public key',
};

/**
 * Routes that DO carry customer data but belong to the DPO alone (403 for every other role,
 * checked below; the DPO's answers are tested in erasure.e2e-spec.ts): carrying out a privacy
 * request gives the person their own data (the access copy, recorded as an access).
 */
export const DPO_ONLY: Readonly<Record<string, string>> = {
  'POST /v1/privacy-requests/:id/execute':
    'erasure (ids), access copy (the person’s own data, recorded as an access), correction',
  'GET /v1/privacy-requests/:id/certificate': 'the signed erasure certificate: ids and times',
};

const seen = (shown: Partial<FieldViews>): FieldViews => ({
  name: 'hidden',
  phone: 'hidden',
  email: 'hidden',
  wechat: 'hidden',
  address: 'hidden',
  idNumber: 'hidden',
  income: 'hidden',
  company: 'hidden',
  products: 'hidden',
  quote: 'hidden',
  orderStatus: 'hidden',
  followUpNotes: 'hidden',
  ...shown,
});

const BUSINESS = {
  company: 'clear',
  products: 'clear',
  quote: 'clear',
  orderStatus: 'clear',
} as const;
const SALES_FOLLOWUP = seen({
  name: 'masked',
  phone: 'masked',
  email: 'masked',
  wechat: 'masked',
  ...BUSINESS,
});

/**
 * GET /v1/customers/:id: the purpose's fields (minimum necessity) as the role's field view,
 * personal ones never clear. Follow-up notes belong to the timeline, never to this view.
 */
const PROFILE: Readonly<Record<MatrixRole, FieldViews>> = {
  sales: SALES_FOLLOWUP,
  sales_manager: SALES_FOLLOWUP,
  finance: seen(BUSINESS),
  auditor: seen({}),
  dpo: seen({
    name: 'masked',
    phone: 'masked',
    email: 'masked',
    wechat: 'masked',
    address: 'masked',
    idNumber: 'masked',
    income: 'masked',
    ...BUSINESS,
  }),
  admin: seen({ name: 'masked', company: 'clear' }),
};

/** GET /v1/customers: the directory holds no order data, so products, quote, order status stay out. */
const DIRECTORY = Object.fromEntries(
  Object.entries(PROFILE).map(([role, views]) => [
    role,
    { ...views, products: 'hidden', quote: 'hidden', orderStatus: 'hidden' },
  ]),
) as Record<MatrixRole, FieldViews>;

/** GET /v1/customers/:id/follow-ups: order fields and the notes of a follow-up. */
const TIMELINE: Readonly<Record<MatrixRole, FieldViews>> = {
  sales: seen({ products: 'clear', quote: 'clear', orderStatus: 'clear', followUpNotes: 'clear' }),
  sales_manager: seen({
    products: 'clear',
    quote: 'clear',
    orderStatus: 'clear',
    followUpNotes: 'clear',
  }),
  finance: seen({ products: 'clear', quote: 'clear', orderStatus: 'clear' }),
  auditor: seen({}),
  // privacy_rights is a duty owed for every customer: it covers the notes of every follow-up.
  dpo: seen({ products: 'clear', quote: 'clear', orderStatus: 'clear', followUpNotes: 'masked' }),
  admin: seen({}),
};

/** POST /v1/customers/:id/reveal asks for the phone: clear when allowed. */
const REVEALED = seen({ phone: 'clear' });

/** Lists, exports and handover: whether the relation's customer is in the answer (or moved). */
type Row = {
  readonly role: MatrixRole;
  readonly route: MatrixRoute;
  readonly relation: Relation;
  readonly status: number;
  /** Reads that succeed: how each field shows. */
  readonly fields?: FieldViews;
  /** Lists and exports: the customer is listed; handover: the customer moved. */
  readonly includes?: boolean;
  /** Where the app does not do what the policy as written says (see the report). */
  readonly divergence?: string;
};
export type MatrixRow = Row;

type Cell = readonly [own: number, other: number];
type RouteSpec = {
  readonly statuses: Readonly<Record<MatrixRole, Cell>>;
  readonly views?: Readonly<Record<MatrixRole, FieldViews>>;
  /** Whether the customer is in the answer, per relation, when the status is a success. */
  readonly includes?: Readonly<Partial<Record<MatrixRole, readonly [boolean, boolean]>>>;
  readonly divergence?: Readonly<Partial<Record<MatrixRole, string>>>;
};

/** By design: the list shows directory fields; order fields are on GET /v1/customers/:id. */
const ORDER_FIELDS_NOT_LISTED = 'no order fields in the list (the directory holds none)';

const DENIED: Cell = [403, 403];
/** Reads of one customer: the owner or the team's manager; finance, dpo, admin any; out of scope is a 404. */
const ONE_CUSTOMER: Readonly<Record<MatrixRole, Cell>> = {
  sales: [200, 404],
  sales_manager: [200, 404],
  finance: [200, 200],
  auditor: DENIED,
  dpo: [200, 200],
  admin: [200, 200],
};
/** Writes on one customer by someone who may work on it (assertMayWorkOn); else 404. */
const WORK_ON = { sales: [204, 404], sales_manager: [204, 404] } as const;
const SCOPED: readonly [boolean, boolean] = [true, false];
const EVERYONE: readonly [boolean, boolean] = [true, true];

export const ROUTE_TABLE: Readonly<Record<MatrixRoute, RouteSpec>> = {
  'GET /v1/customers': {
    statuses: { ...ONE_CUSTOMER, sales: [200, 200], sales_manager: [200, 200] },
    views: DIRECTORY,
    divergence: {
      sales: ORDER_FIELDS_NOT_LISTED,
      sales_manager: ORDER_FIELDS_NOT_LISTED,
      finance: ORDER_FIELDS_NOT_LISTED,
      dpo: ORDER_FIELDS_NOT_LISTED,
    },
    includes: {
      sales: SCOPED,
      sales_manager: SCOPED,
      finance: EVERYONE,
      dpo: EVERYONE,
      admin: EVERYONE,
    },
  },
  'GET /v1/customers/:id': { statuses: ONE_CUSTOMER, views: PROFILE },
  'GET /v1/customers/:id/follow-ups': {
    statuses: ONE_CUSTOMER,
    views: TIMELINE,
  },
  // Consents carry no profile field: every field hidden.
  'GET /v1/customers/:id/consents': {
    statuses: ONE_CUSTOMER,
    views: Object.fromEntries(Object.keys(PROFILE).map((role) => [role, seen({})])) as Record<
      MatrixRole,
      FieldViews
    >,
  },
  // finance's purpose has no phone, admin and auditor may reveal nothing: 403.
  'POST /v1/customers/:id/reveal': {
    statuses: { ...ONE_CUSTOMER, finance: DENIED, admin: DENIED },
    views: {
      sales: REVEALED,
      sales_manager: REVEALED,
      finance: REVEALED,
      auditor: REVEALED,
      dpo: REVEALED,
      admin: REVEALED,
    },
  },
  // Export is a permission of its own: sales (own), managers (team), finance (all); not dpo, admin.
  'POST /v1/exports': {
    statuses: {
      sales: [201, 201],
      sales_manager: [201, 201],
      finance: [201, 201],
      auditor: DENIED,
      dpo: DENIED,
      admin: DENIED,
    },
    views: PROFILE,
    includes: { sales: SCOPED, sales_manager: SCOPED, finance: EVERYONE },
  },
  'PATCH /v1/customers/:id': {
    statuses: { ...WORK_ON, finance: DENIED, auditor: DENIED, dpo: DENIED, admin: DENIED },
  },
  'POST /v1/customers/:id/follow-ups': {
    statuses: {
      sales: [201, 404],
      sales_manager: [201, 404],
      finance: DENIED,
      auditor: DENIED,
      dpo: DENIED,
      admin: DENIED,
    },
  },
  'POST /v1/customers/:id/consents': {
    statuses: { ...WORK_ON, finance: DENIED, auditor: DENIED, dpo: DENIED, admin: DENIED },
  },
  'DELETE /v1/customers/:id/consents/:purpose': {
    statuses: { ...WORK_ON, finance: DENIED, auditor: DENIED, dpo: DENIED, admin: DENIED },
  },
  'POST /v1/customers/:id/owner': {
    statuses: {
      sales: DENIED,
      sales_manager: [204, 404],
      finance: DENIED,
      auditor: DENIED,
      dpo: DENIED,
      admin: [204, 204],
    },
  },
  // `other`: registering for rep.north, whom a rep or an east manager may not name (400).
  'POST /v1/customers': {
    statuses: {
      sales: [201, 400],
      sales_manager: [201, 400],
      finance: DENIED,
      auditor: DENIED,
      dpo: DENIED,
      admin: DENIED,
    },
  },
  // A manager hands over their team's customers only: another team's are left where they are.
  'POST /v1/customers/handover': {
    statuses: {
      sales: DENIED,
      sales_manager: [200, 200],
      finance: DENIED,
      auditor: DENIED,
      dpo: DENIED,
      admin: [200, 200],
    },
    includes: { sales_manager: SCOPED, admin: EVERYONE },
  },
};

const ROLES: readonly MatrixRole[] = [
  'sales',
  'sales_manager',
  'finance',
  'auditor',
  'dpo',
  'admin',
];
const RELATIONS: readonly Relation[] = ['own', 'other'];

/** The table as rows, reads first, destructive writes (consent withdrawal, handover) last. */
export const MATRIX: readonly MatrixRow[] = MATRIX_ROUTES.flatMap((route) =>
  ROLES.flatMap((role) =>
    RELATIONS.map((relation, index): MatrixRow => {
      const spec = ROUTE_TABLE[route];
      const status = spec.statuses[role][index] ?? 0;
      const success = status < 300;
      const includes = spec.includes?.[role]?.[index];
      const divergence = spec.divergence?.[role];
      return {
        role,
        route,
        relation,
        status,
        ...(success && spec.views !== undefined ? { fields: spec.views[role] } : {}),
        ...(success && includes !== undefined ? { includes } : {}),
        ...(divergence === undefined ? {} : { divergence }),
      };
    }),
  ),
);
