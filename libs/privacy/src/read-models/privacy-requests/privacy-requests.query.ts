import type { EntityManager } from 'typeorm';
import { PrivacyError } from '../../privacy.errors';
import type { PrivacyRegime, PrivacyRequestState, PrivacyRequestType } from '../../privacy.events';

type Queryable = Pick<EntityManager, 'query'>;

export type PrivacyRequestSummary = {
  readonly requestId: string;
  readonly customerId: string;
  readonly type: PrivacyRequestType;
  readonly regime: PrivacyRegime;
  readonly state: PrivacyRequestState;
  readonly receivedAt: string;
  readonly dueAt: string;
  readonly extended: boolean;
  readonly completedAt: string | null;
  readonly holdIds: readonly string[];
  /** Open and past its due date at the query's `now`. */
  readonly overdue: boolean;
};

export type ListPrivacyRequestsOptions = {
  readonly now: Date;
  readonly state?: PrivacyRequestState;
  readonly type?: PrivacyRequestType;
  readonly customerId?: string;
  /** Only open requests (not completed or rejected) whose due date has passed. */
  readonly overdue?: boolean;
  /** From the `next` of the previous page. */
  readonly cursor?: string;
  readonly limit: number;
};

export type PrivacyRequestPage = {
  readonly items: PrivacyRequestSummary[];
  readonly next: string | null;
};

type Row = {
  request_id: string;
  customer_id: string;
  type: PrivacyRequestType;
  regime: PrivacyRegime;
  state: PrivacyRequestState;
  received_at: Date;
  due_at: Date;
  extended: boolean;
  completed_at: Date | null;
  hold_ids: string[];
};

// Keyset (received_at, request_id), opaque to clients.
const encodeCursor = (row: Row): string =>
  Buffer.from(`${row.received_at.toISOString()}|${row.request_id}`).toString('base64url');

const decodeCursor = (cursor: string): [string, string] => {
  const [at = '', id = '', ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (rest.length > 0 || id === '' || Number.isNaN(Date.parse(at))) {
    throw new PrivacyError(
      'PRIVACY.FIELD_INVALID',
      'cursor: not a cursor from this list',
      'cursor',
    );
  }
  return [at, id];
};

const CLOSED = `('completed', 'rejected')`;

/** One page of privacy requests, oldest received first. Eventually consistent (a projection). */
export const listPrivacyRequests = async (
  db: Queryable,
  options: ListPrivacyRequestsOptions,
): Promise<PrivacyRequestPage> => {
  const { now, cursor, limit } = options;
  const [afterAt, afterId] = cursor === undefined ? [null, null] : decodeCursor(cursor);
  const rows: Row[] = await db.query(
    `SELECT request_id, customer_id, type, regime, state, received_at, due_at, extended,
            completed_at, hold_ids
       FROM privacy_requests
      WHERE ($1::text IS NULL OR state = $1)
        AND ($2::text IS NULL OR type = $2)
        AND ($3::text IS NULL OR customer_id = $3)
        AND (NOT $4::boolean OR (due_at < $5 AND state NOT IN ${CLOSED}))
        AND ($6::timestamptz IS NULL OR (received_at, request_id) > ($6, $7::text))
      ORDER BY received_at, request_id
      LIMIT $8`,
    [
      options.state ?? null,
      options.type ?? null,
      options.customerId ?? null,
      options.overdue === true,
      now,
      afterAt,
      afterId,
      limit,
    ],
  );
  const items = rows.map((row) => ({
    requestId: row.request_id,
    customerId: row.customer_id,
    type: row.type,
    regime: row.regime,
    state: row.state,
    receivedAt: row.received_at.toISOString(),
    dueAt: row.due_at.toISOString(),
    extended: row.extended,
    completedAt: row.completed_at?.toISOString() ?? null,
    holdIds: row.hold_ids,
    overdue: row.due_at < now && row.state !== 'completed' && row.state !== 'rejected',
  }));
  const last = rows.at(-1);
  return { items, next: rows.length === limit && last !== undefined ? encodeCursor(last) : null };
};

/** The customer's requests the read model shows as deferred (the log has the last word). */
export const findDeferredRequestIds = async (
  db: Queryable,
  customerId: string,
): Promise<string[]> => {
  const rows: { request_id: string }[] = await db.query(
    `SELECT request_id FROM privacy_requests WHERE customer_id = $1 AND state = 'deferred'
      ORDER BY received_at, request_id`,
    [customerId],
  );
  return rows.map((row) => row.request_id);
};
