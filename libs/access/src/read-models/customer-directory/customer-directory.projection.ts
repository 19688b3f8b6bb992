import type { ConsentEvent } from '@custodia/consent';
import { type CustomerProfileUpdated, type ProfileField, profileFields } from '@custodia/customers';
import type { RecordedEvent } from '@custodia/event-store';
import type { CustomerStreamEvent } from '@custodia/follow-ups';
import type { Projection } from '@custodia/read-store';
import type { EntityManager } from 'typeorm';
import type { ActiveBasis } from '../../access-decision';
import type { BlindIndex } from '../blind-index';
import { maskedValue, plainValue } from '../event-values';

type Statement = [string, unknown[]];

/** The column of each profile field: masked forms only; company is a business field. */
const COLUMNS: Readonly<Record<ProfileField, string>> = {
  name: 'name_masked',
  phone: 'phone_masked',
  email: 'email_masked',
  wechat: 'wechat_masked',
  address: 'address_masked',
  idNumber: 'id_number_masked',
  income: 'income_band',
  company: 'company',
};

/** Column values for the fields an event carries; `undefined` leaves a column untouched. */
const profileColumns = (
  data: Readonly<Record<string, unknown>>,
  removed: readonly string[],
  blindIndex: BlindIndex,
): Map<string, unknown> => {
  const columns = new Map<string, unknown>();
  for (const field of profileFields) {
    const value = removed.includes(field) ? null : data[field];
    const column = field === 'company' ? plainValue(value) : maskedValue(field, value);
    if (column === undefined) continue;
    columns.set(COLUMNS[field], column);
  }
  // The blind indexes follow their fields: recomputed on change, NULL when removed or erased.
  const searchable = [
    ['phone_bidx', 'phone', (v: string) => blindIndex.phone(v)],
    ['email_bidx', 'email', (v: string) => blindIndex.email(v)],
  ] as const;
  for (const [column, field, hash] of searchable) {
    const digest = bidx(removed.includes(field) ? null : data[field], hash);
    if (digest !== undefined) columns.set(column, digest);
  }
  return columns;
};

const bidx = (value: unknown, hash: (plain: string) => Buffer): Buffer | null | undefined => {
  const plain = plainValue(value);
  if (plain === undefined || plain === null) return plain;
  return typeof plain === 'string' ? hash(plain) : null;
};

/** Replaces the basis of `purpose` in `active_bases` (kept sorted by purpose) by `basis`. */
const setBasis = (
  customerId: string,
  purpose: string,
  basis: ActiveBasis | undefined,
  at: Date,
): Statement => [
  `UPDATE access_customer_directory d
      SET active_bases = (
            SELECT COALESCE(jsonb_agg(b ORDER BY b->>'purpose'), '[]'::jsonb)
              FROM (SELECT e.b FROM jsonb_array_elements(d.active_bases) AS e(b)
                     WHERE e.b->>'purpose' <> $2
                    UNION ALL
                    SELECT n.b FROM jsonb_array_elements($3::jsonb) AS n(b)) AS bases(b)),
          updated_at = $4
    WHERE customer_id = $1`,
  [customerId, purpose, JSON.stringify(basis === undefined ? [] : [basis]), at],
];

const consentStatement = (event: ConsentEvent, at: Date): Statement => {
  const { customerId, purpose } = event.data;
  switch (event.type) {
    case 'ConsentGranted':
      return setBasis(
        customerId,
        purpose,
        { purpose, lawfulBasis: 'consent', separate: event.data.separate },
        at,
      );
    case 'LawfulBasisRecorded':
      return setBasis(
        customerId,
        purpose,
        { purpose, lawfulBasis: event.data.lawfulBasis, separate: false },
        at,
      );
    case 'ConsentWithdrawn':
    case 'LawfulBasisEnded':
      return setBasis(customerId, purpose, undefined, at);
  }
};

const profileUpdate = (
  event: CustomerProfileUpdated,
  at: Date,
  blindIndex: BlindIndex,
): Statement | undefined => {
  const columns = profileColumns(event.data, event.data.removed, blindIndex);
  if (columns.size === 0) return undefined;
  const names = [...columns.keys()];
  // Column names come from COLUMNS above, never from the event.
  const sets = names.map((column, i) => `${column} = $${i + 3}`).join(', ');
  return [
    `UPDATE access_customer_directory SET ${sets}, updated_at = $2 WHERE customer_id = $1`,
    [event.data.customerId, at, ...columns.values()],
  ];
};

/**
 * The tombstone of an erased customer: owner and team stay (a read is scoped before it answers
 * 410), every masked value, the company and both blind indexes go, and so do the bases (no
 * purpose covers an erased customer) and the next follow-up (nothing is due any more).
 */
const erasure = (customerId: string, erasedAt: string, at: Date): Statement => [
  `UPDATE access_customer_directory
      SET name_masked = NULL, phone_masked = NULL, email_masked = NULL, wechat_masked = NULL,
          address_masked = NULL, id_number_masked = NULL, income_band = NULL, company = NULL,
          phone_bidx = NULL, email_bidx = NULL, active_bases = '[]'::jsonb,
          next_follow_up_at = NULL, erased = true, erased_at = $2, updated_at = $3
    WHERE customer_id = $1`,
  [customerId, erasedAt, at],
];

const statementFor = (
  event: CustomerStreamEvent,
  at: Date,
  blindIndex: BlindIndex,
): Statement | undefined => {
  switch (event.type) {
    case 'CustomerRegistered': {
      const { customerId, ownerId, team, registeredAt } = event.data;
      const columns = profileColumns(event.data, [], blindIndex);
      const names = [...columns.keys()];
      const placeholders = names.map((_, i) => `$${i + 6}`);
      return [
        `INSERT INTO access_customer_directory
           (customer_id, owner_id, team, registered_at, updated_at${names.map((n) => `, ${n}`).join('')})
         VALUES ($1, $2, $3, $4, $5${placeholders.map((p) => `, ${p}`).join('')})
         ON CONFLICT (customer_id) DO NOTHING`,
        [customerId, ownerId, team, registeredAt, at, ...columns.values()],
      ];
    }
    case 'CustomerProfileUpdated':
      return profileUpdate(event, at, blindIndex);
    case 'CustomerOwnerChanged':
      return [
        `UPDATE access_customer_directory SET owner_id = $2, team = $3, updated_at = $4
          WHERE customer_id = $1`,
        [event.data.customerId, event.data.ownerId, event.data.team, at],
      ];
    case 'ConsentGranted':
    case 'ConsentWithdrawn':
    case 'LawfulBasisRecorded':
    case 'LawfulBasisEnded':
      return consentStatement(event, at);
    case 'CustomerErased':
      return erasure(event.data.customerId, event.data.erasedAt, at);
    case 'FollowUpLogged':
      // The latest interaction (by when it happened) sets the next follow-up date; a follow-up
      // logged late about an earlier interaction does not override it.
      return [
        `UPDATE access_customer_directory
            SET next_follow_up_at = CASE
                  WHEN last_follow_up_at IS NULL OR $2::timestamptz >= last_follow_up_at
                  THEN $3::timestamptz ELSE next_follow_up_at END,
                last_follow_up_at = GREATEST(last_follow_up_at, $2::timestamptz),
                updated_at = $4
          WHERE customer_id = $1`,
        [
          event.data.customerId,
          event.data.occurredAt,
          plainValue(event.data.nextFollowUpAt) ?? null,
          at,
        ],
      ];
  }
};

export const CUSTOMER_DIRECTORY_EVENT_TYPES: readonly CustomerStreamEvent['type'][] = [
  'CustomerRegistered',
  'CustomerProfileUpdated',
  'CustomerOwnerChanged',
  'CustomerErased',
  'ConsentGranted',
  'ConsentWithdrawn',
  'LawfulBasisRecorded',
  'LawfulBasisEnded',
  'FollowUpLogged',
];

/**
 * The customer list every role browses: masked profile, owner and team (for scopes), the active
 * bases (for the read decision), last and next follow-up; blind indexes for phone/e-mail search.
 */
export const customerDirectoryProjection = (blindIndex: BlindIndex): Projection => ({
  name: 'customer-directory',
  // 2: erased customers become tombstones.
  version: 2,
  handles: CUSTOMER_DIRECTORY_EVENT_TYPES,
  async apply(event: RecordedEvent, manager: EntityManager): Promise<void> {
    const statement = statementFor(
      event as unknown as CustomerStreamEvent,
      event.recordedAt,
      blindIndex,
    );
    if (statement !== undefined) await manager.query(...statement);
  },
  async reset(manager: EntityManager): Promise<void> {
    await manager.query(`TRUNCATE access_customer_directory`);
  },
});
