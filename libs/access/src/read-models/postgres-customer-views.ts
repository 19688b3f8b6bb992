import type { EntityManager } from 'typeorm';
import { AccessQueryError } from './access-query.errors';
import type { BlindIndex } from './blind-index';
import type {
  ConsentRow,
  CustomerViews,
  DirectoryFilter,
  DirectoryRow,
  FinanceRow,
  FollowUpRow,
  Page,
} from './customer-views';
import {
  type ConsentRecord,
  DIRECTORY_COLUMNS,
  type DirectoryRecord,
  FOLLOW_UP_COLUMNS,
  type FinanceRecord,
  type FollowUpRecord,
  toConsentRow,
  toDirectoryRow,
  toFinanceRow,
  toFollowUpRow,
} from './read-model-rows';

/** Anything that runs SQL: a DataSource or an EntityManager. */
/** A TypeORM manager or data source, or `preparedQueries(dataSource)` (named statements). */
type Queryable = Pick<EntityManager, 'query'>;

const MAX_LIMIT = 100;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MICROS = /^-?\d{1,17}$/;
const EMPTY: Page<never> = { items: [], nextCursor: null };

/** 1..100; anything that is not a number gets the smallest page. */
const clampLimit = (limit: number): number =>
  Number.isFinite(limit) ? Math.min(MAX_LIMIT, Math.max(1, Math.trunc(limit))) : 1;

const isUuid = (value: string): boolean => UUID.test(value);

const encodeCursor = (text: string): string => Buffer.from(text, 'utf8').toString('base64url');

const invalidCursor = (): AccessQueryError =>
  new AccessQueryError(
    'ACCESS.INVALID_CURSOR',
    'cursor: must be the nextCursor of a previous page',
    'cursor',
  );

/** The text inside an opaque cursor; only a cursor this class issued decodes. */
const decodeCursor = (cursor: string): string => {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (text === '' || encodeCursor(text) !== cursor) throw invalidCursor();
  return text;
};

/** The exact next follow-up instant, for the cursor of a list in date order. */
const NEXT_FOLLOW_UP_MICROS = `(extract(epoch FROM next_follow_up_at) * 1000000)::bigint::text
  AS next_follow_up_us`;
const DATE_CURSOR = 'd';

/** A list in date order resumes after the last row's (next_follow_up_at, customer_id). */
const dateCursorText = (micros: string, customerId: string): string =>
  `${DATE_CURSOR}.${micros}.${customerId}`;

type DirectoryCursor =
  | { readonly kind: 'id'; readonly customerId: string }
  | { readonly kind: 'date'; readonly micros: string; readonly customerId: string };

/**
 * The position inside an opaque directory cursor. A list by id takes only an id cursor and a
 * list in date order (a next follow-up window) only a date cursor: a cursor of the other order,
 * garbled or issued before a change of order is refused, never misread as a position.
 */
const directoryCursor = (cursor: string, byDate: boolean): DirectoryCursor => {
  const text = decodeCursor(cursor);
  if (!byDate) {
    if (!isUuid(text)) throw invalidCursor();
    return { kind: 'id', customerId: text };
  }
  const [kind, micros, customerId, ...rest] = text.split('.');
  if (
    kind !== DATE_CURSOR ||
    rest.length > 0 ||
    micros === undefined ||
    !MICROS.test(micros) ||
    customerId === undefined ||
    !isUuid(customerId)
  ) {
    throw invalidCursor();
  }
  return { kind: 'date', micros, customerId };
};

const instantFilter = (value: string | undefined, parameter: string): string | null => {
  if (value === undefined) return null;
  if (Number.isNaN(Date.parse(value))) {
    throw new AccessQueryError(
      'ACCESS.INVALID_FILTER',
      `${parameter}: must be an ISO-8601 instant`,
      parameter,
    );
  }
  return new Date(value).toISOString();
};

/** Keeps the first `limit` rows and a cursor when there was one more. */
const pageOf = <R, T>(
  rows: R[],
  limit: number,
  map: (row: R) => T,
  cursorOf: (row: R) => string,
): Page<T> => {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  const last = kept.at(-1);
  return {
    items: kept.map(map),
    nextCursor: more && last !== undefined ? encodeCursor(cursorOf(last)) : null,
  };
};

/** The access read models in PostgreSQL (projections; eventually consistent with the log). */
export class PostgresCustomerViews implements CustomerViews {
  constructor(
    private readonly db: Queryable,
    private readonly blindIndex: BlindIndex,
    /**
     * Runs the lists of a next follow-up window: they need a plan made for their dates
     * (`preparedQueries(…).customPlan`), not the generic plan a named statement settles on.
     * Default: `db`.
     */
    private readonly dateWindowDb: Queryable = db,
  ) {}

  async directoryEntry(customerId: string): Promise<DirectoryRow | undefined> {
    if (!isUuid(customerId)) return undefined;
    const rows: DirectoryRecord[] = await this.db.query(
      `SELECT ${DIRECTORY_COLUMNS} FROM access_customer_directory WHERE customer_id = $1`,
      [customerId],
    );
    return rows[0] && toDirectoryRow(rows[0]);
  }

  async listDirectory(
    filter: DirectoryFilter,
    cursor: string | undefined,
    limit: number,
  ): Promise<Page<DirectoryRow>> {
    const from = instantFilter(filter.nextFollowUpFrom, 'nextFollowUpFrom');
    const to = instantFilter(filter.nextFollowUpTo, 'nextFollowUpTo');
    // A date window is listed in date order, so a page is one range scan of the window.
    const byDate = from !== null || to !== null;
    const after = cursor === undefined ? undefined : directoryCursor(cursor, byDate);
    const { scope } = filter;
    if (scope.kind === 'none') return EMPTY;
    if (scope.kind === 'some' && scope.ownerIds.length === 0 && scope.teams.length === 0) {
      return EMPTY;
    }

    const parameters: unknown[] = [];
    const bind = (value: unknown): string => `$${parameters.push(value)}`;
    // Erased customers are tombstones: never listed, whatever the filter.
    const where: string[] = ['NOT erased'];
    if (filter.ownerId !== undefined) where.push(`owner_id = ${bind(filter.ownerId)}`);
    if (filter.team !== undefined) where.push(`team = ${bind(filter.team)}`);
    if (byDate) where.push('next_follow_up_at IS NOT NULL');
    if (from !== null) where.push(`next_follow_up_at >= ${bind(from)}::timestamptz`);
    if (to !== null) where.push(`next_follow_up_at <= ${bind(to)}::timestamptz`);
    if (filter.phone !== undefined) {
      where.push(`phone_bidx = ${bind(this.blindIndex.phone(filter.phone))}`);
    }
    if (filter.email !== undefined) {
      where.push(`email_bidx = ${bind(this.blindIndex.email(filter.email))}`);
    }
    if (filter.coveringPurpose !== undefined) {
      where.push(
        `active_bases @> jsonb_build_array(jsonb_build_object('purpose', ${bind(filter.coveringPurpose)}::text))`,
      );
    }
    if (after?.kind === 'id') where.push(`customer_id > ${bind(after.customerId)}::uuid`);
    if (after?.kind === 'date') {
      where.push(
        `(next_follow_up_at, customer_id) > ('epoch'::timestamptz + ${bind(after.micros)}::bigint * interval '1 microsecond', ${bind(after.customerId)}::uuid)`,
      );
    }

    const size = clampLimit(limit);
    const limitParameter = bind(size + 1);
    // Qualified: unqualified, ORDER BY would bind to the ISO text of DIRECTORY_COLUMNS (whole
    // milliseconds), and rows a microsecond apart would not follow their cursor's order.
    const order = byDate
      ? 'access_customer_directory.next_follow_up_at, customer_id'
      : 'customer_id';
    const conditions = (extra: string[]): string =>
      extra.length === 0 ? '' : `WHERE ${extra.join(' AND ')}`;
    const columns = byDate ? `${DIRECTORY_COLUMNS}, ${NEXT_FOLLOW_UP_MICROS}` : DIRECTORY_COLUMNS;
    let sql: string;
    if (scope.kind === 'all') {
      sql = `SELECT ${columns} FROM access_customer_directory ${conditions(where)}
              ORDER BY ${order} LIMIT ${limitParameter}`;
    } else {
      // One arm per owner and per team, each an ordered range scan of its (owner_id | team,
      // customer_id) index, or (owner_id | team, next_follow_up_at, customer_id) for a date
      // window; `= ANY(array)` would make the planner scan the primary key and filter, which
      // grows with the share of the table outside the scope.
      const arms = [
        ...scope.ownerIds.map((owner) => `owner_id = ${bind(owner)}`),
        ...scope.teams.map((team) => `team = ${bind(team)}`),
      ].map(
        (arm) => `(SELECT customer_id FROM access_customer_directory
                    ${conditions([arm, ...where])}
                    ORDER BY ${order} LIMIT ${limitParameter})`,
      );
      sql = `SELECT ${columns} FROM access_customer_directory
              WHERE customer_id IN (${arms.join(' UNION ')})
              ORDER BY ${order} LIMIT ${limitParameter}`;
    }
    if (byDate) {
      const rows: (DirectoryRecord & { next_follow_up_us: string })[] =
        await this.dateWindowDb.query(sql, parameters);
      return pageOf(rows, size, toDirectoryRow, (row) =>
        dateCursorText(row.next_follow_up_us, row.customer_id),
      );
    }
    const rows: DirectoryRecord[] = await this.db.query(sql, parameters);
    return pageOf(rows, size, toDirectoryRow, (row) => row.customer_id);
  }

  async consentsOf(customerId: string): Promise<readonly ConsentRow[]> {
    if (!isUuid(customerId)) return [];
    const rows: ConsentRecord[] = await this.db.query(
      `SELECT purpose, lawful_basis, status, separate, notice_version, channel, since, until
         FROM access_customer_consents WHERE customer_id = $1
        ORDER BY purpose`,
      [customerId],
    );
    return rows.map(toConsentRow);
  }

  async followUpsOf(
    customerId: string,
    cursor: string | undefined,
    limit: number,
  ): Promise<Page<FollowUpRow>> {
    // The cursor holds the last row's occurred_at in microseconds (exact) and its id.
    let after: [string, string] | [null, null] = [null, null];
    if (cursor !== undefined) {
      const [micros, id, ...rest] = decodeCursor(cursor).split('.');
      if (rest.length > 0 || !MICROS.test(micros) || id === undefined || !isUuid(id)) {
        throw invalidCursor();
      }
      after = [micros, id];
    }
    if (!isUuid(customerId)) return EMPTY;
    const size = clampLimit(limit);
    const rows: (FollowUpRecord & { occurred_us: string })[] = await this.db.query(
      `SELECT ${FOLLOW_UP_COLUMNS},
              (extract(epoch FROM occurred_at) * 1000000)::bigint::text AS occurred_us
         FROM access_follow_ups
        WHERE customer_id = $1
          AND ($2::bigint IS NULL
               OR (occurred_at, follow_up_id)
                  < ('epoch'::timestamptz + $2::bigint * interval '1 microsecond', $3::uuid))
        ORDER BY occurred_at DESC, follow_up_id DESC
        LIMIT $4`,
      [customerId, ...after, size + 1],
    );
    return pageOf(rows, size, toFollowUpRow, (row) => `${row.occurred_us}.${row.follow_up_id}`);
  }

  async financeOf(customerId: string): Promise<FinanceRow | undefined> {
    if (!isUuid(customerId)) return undefined;
    const rows: FinanceRecord[] = await this.db.query(
      `SELECT customer_id, owner_id, team, company, products, quote, order_status, updated_at
         FROM access_customer_finance WHERE customer_id = $1`,
      [customerId],
    );
    return rows[0] && toFinanceRow(rows[0]);
  }
}
