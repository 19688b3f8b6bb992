import type { EntityManager } from 'typeorm';
import type { Role } from '../../identity.events';

/** Anything that runs SQL: a DataSource or an EntityManager. */
type Queryable = Pick<EntityManager, 'query'>;

export type UserDirectoryStatus = 'active' | 'leaving' | 'offboarded';

export type UserDirectoryEntry = {
  readonly userId: string;
  readonly roles: readonly Role[];
  readonly team: string | null;
  readonly status: UserDirectoryStatus;
  readonly leavesAt: string | null;
  readonly offboardedAt: string | null;
};

type Row = {
  user_id: string;
  roles: Role[];
  team: string | null;
  leaves_at: Date | null;
  offboarded_at: Date | null;
};

export type ListUsersOptions = {
  readonly now: Date;
  /** Keyset pagination: user ids strictly after this one. */
  readonly after?: string;
  readonly limit: number;
};

const statusOf = (row: Row, now: Date): UserDirectoryStatus => {
  if (row.offboarded_at !== null) return 'offboarded';
  if (row.leaves_at === null) return 'active';
  return row.leaves_at <= now ? 'offboarded' : 'leaving';
};

/** One page of the directory in user id order. Eventually consistent (a projection). */
export const listUsers = async (
  db: Queryable,
  { now, after, limit }: ListUsersOptions,
): Promise<UserDirectoryEntry[]> => {
  const rows: Row[] = await db.query(
    `SELECT user_id, roles, team, leaves_at, offboarded_at
       FROM identity_user_directory
      WHERE $1::text IS NULL OR user_id COLLATE "C" > $1
      ORDER BY user_id COLLATE "C"
      LIMIT $2`,
    [after ?? null, limit],
  );
  return rows.map((row) => ({
    userId: row.user_id,
    roles: row.roles,
    team: row.team,
    status: statusOf(row, now),
    leavesAt: row.leaves_at?.toISOString() ?? null,
    offboardedAt: row.offboarded_at?.toISOString() ?? null,
  }));
};

/** Users whose notice has taken effect and whose exit is not recorded yet. */
export const findDueOffboardings = async (
  db: Queryable,
  now: Date,
  limit: number,
): Promise<string[]> => {
  const rows: { user_id: string }[] = await db.query(
    `SELECT user_id FROM identity_user_directory
      WHERE offboarded_at IS NULL AND leaves_at <= $1
      ORDER BY leaves_at
      LIMIT $2`,
    [now, limit],
  );
  return rows.map((row) => row.user_id);
};
