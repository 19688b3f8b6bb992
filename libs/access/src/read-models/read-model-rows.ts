import type { LawfulBasis } from '@custodia/consent';
import type { ActiveBasis } from '../access-decision';
import type { ConsentRow, DirectoryRow, FinanceRow, FollowUpRow } from './customer-views';

type Quote = { readonly amount: number; readonly currency: string };

export type DirectoryRecord = {
  customer_id: string;
  owner_id: string;
  team: string;
  name_masked: string | null;
  phone_masked: string | null;
  email_masked: string | null;
  wechat_masked: string | null;
  address_masked: string | null;
  id_number_masked: string | null;
  income_band: string | null;
  company: string | null;
  active_bases: ActiveBasis[];
  /** ISO-8601 text (see DIRECTORY_COLUMNS). */
  last_follow_up_at: string | null;
  next_follow_up_at: string | null;
  registered_at: string;
  updated_at: string;
  erased: boolean;
  erased_at: string | null;
};

export type ConsentRecord = {
  purpose: string;
  lawful_basis: LawfulBasis;
  status: ConsentRow['status'];
  separate: boolean;
  notice_version: string;
  channel: string | null;
  since: Date;
  until: Date | null;
};

export type FollowUpRecord = {
  follow_up_id: string;
  customer_id: string;
  purpose: string;
  channel: string;
  occurred_at: Date;
  recorded_at: Date;
  next_follow_up_at: Date | null;
  products: string[] | null;
  quote: Quote | null;
  order_status: string | null;
  actor_id: string;
  event_id: string;
  has_summary: boolean;
  has_next_step: boolean;
};

export type FinanceRecord = {
  customer_id: string;
  owner_id: string;
  team: string;
  company: string | null;
  products: string[] | null;
  quote: Quote | null;
  order_status: string | null;
  updated_at: Date;
};

/** `toISOString()`'s format, made by PostgreSQL: a page of 50 rows skips 200 Date parses. */
const isoText = (column: string): string =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ${column}`;

export const DIRECTORY_COLUMNS = `customer_id, owner_id, team, name_masked, phone_masked,
  email_masked, wechat_masked, address_masked, id_number_masked, income_band, company,
  active_bases, ${isoText('last_follow_up_at')}, ${isoText('next_follow_up_at')},
  ${isoText('registered_at')}, ${isoText('updated_at')}, erased, ${isoText('erased_at')}`;

export const FOLLOW_UP_COLUMNS = `follow_up_id, customer_id, purpose, channel, occurred_at,
  recorded_at, next_follow_up_at, products, quote, order_status, actor_id, event_id, has_summary,
  has_next_step`;

const iso = (value: Date | null): string | null => value?.toISOString() ?? null;

/** Absent keys rather than undefined values: a masked field the customer never gave. */
const present = <T extends Record<string, string | null>>(fields: T): { [K in keyof T]?: string } =>
  Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== null)) as {
    [K in keyof T]?: string;
  };

export const toDirectoryRow = (row: DirectoryRecord): DirectoryRow => ({
  customerId: row.customer_id,
  ownerId: row.owner_id,
  team: row.team,
  masked: present({
    name: row.name_masked,
    phone: row.phone_masked,
    email: row.email_masked,
    wechat: row.wechat_masked,
    address: row.address_masked,
    idNumber: row.id_number_masked,
    income: row.income_band,
  }),
  company: row.company,
  activeBases: row.active_bases,
  lastFollowUpAt: row.last_follow_up_at,
  nextFollowUpAt: row.next_follow_up_at,
  registeredAt: row.registered_at,
  updatedAt: row.updated_at,
  erased: row.erased,
  erasedAt: row.erased_at,
});

export const toConsentRow = (row: ConsentRecord): ConsentRow => ({
  purpose: row.purpose,
  lawfulBasis: row.lawful_basis,
  status: row.status,
  separate: row.separate,
  noticeVersion: row.notice_version,
  channel: row.channel,
  since: row.since.toISOString(),
  until: iso(row.until),
});

export const toFollowUpRow = (row: FollowUpRecord): FollowUpRow => ({
  followUpId: row.follow_up_id,
  customerId: row.customer_id,
  purpose: row.purpose,
  channel: row.channel,
  occurredAt: row.occurred_at.toISOString(),
  recordedAt: row.recorded_at.toISOString(),
  nextFollowUpAt: iso(row.next_follow_up_at),
  products: row.products,
  quote: row.quote,
  orderStatus: row.order_status,
  actorId: row.actor_id,
  eventId: row.event_id,
  hasSummary: row.has_summary,
  hasNextStep: row.has_next_step,
});

export const toFinanceRow = (row: FinanceRecord): FinanceRow => ({
  customerId: row.customer_id,
  ownerId: row.owner_id,
  team: row.team,
  company: row.company,
  products: row.products,
  quote: row.quote,
  orderStatus: row.order_status,
  updatedAt: row.updated_at.toISOString(),
});
