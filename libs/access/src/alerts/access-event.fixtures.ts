import type {
  AccessDenied,
  CustomerDataAccessed,
  CustomerDataExported,
  PersonalDataRevealed,
} from '../access.events';

// Test data only: ids and dates, the reveal's reason is a placeholder (never a real value).

type Common = { actorId?: string; underNotice?: boolean };

const context = ({ actorId = 'user-1', underNotice = false }: Common) => ({
  actorId,
  roles: ['sales' as const],
  purpose: 'customer_administration',
  requestId: 'req-1',
  route: 'GET /v1/customers',
  underNotice,
});

export const accessed = (
  at: string,
  customers: number,
  common: Common = {},
): CustomerDataAccessed => ({
  type: 'CustomerDataAccessed',
  data: {
    ...context(common),
    customerIds: Array.from({ length: customers }, (_, index) => `customer-${index}`),
    fields: [{ field: 'phone', view: 'masked' }],
    accessedAt: at,
  },
});

export const revealed = (at: string, common: Common = {}): PersonalDataRevealed => ({
  type: 'PersonalDataRevealed',
  data: {
    ...context(common),
    route: 'POST /v1/customers/:id/reveal',
    customerId: 'customer-1',
    fields: ['phone'],
    reason: 'callback requested',
    revealedAt: at,
  },
});

export const exported = (
  at: string,
  rowCount: number,
  common: Common = {},
): CustomerDataExported => ({
  type: 'CustomerDataExported',
  data: {
    ...context(common),
    route: 'POST /v1/exports',
    watermark: 'wm-1',
    rowCount,
    fields: [{ field: 'name', view: 'masked' }],
    filter: { team: 'team-1' },
    exportedAt: at,
  },
});

export const denied = (at: string, common: Common = {}): AccessDenied => ({
  type: 'AccessDenied',
  data: {
    ...context(common),
    action: 'read',
    customerId: 'customer-1',
    reason: 'UNDER_NOTICE',
    deniedAt: at,
  },
});
