import type { Position } from '@custodia/event-store';
import type { EntityManager } from 'typeorm';

export type ProjectionCheckpoint = {
  readonly projection: string;
  readonly version: number;
  /** Last applied position; undefined means "from the beginning of the log". */
  readonly position: Position | undefined;
  readonly eventsApplied: number;
  readonly updatedAt: Date;
};

type CheckpointRow = {
  projection: string;
  version: number;
  position: string | null;
  events_applied: string;
  updated_at: Date;
};

const COLUMNS = 'projection, version, position, events_applied, updated_at';

const toCheckpoint = (row: CheckpointRow): ProjectionCheckpoint => ({
  projection: row.projection,
  version: row.version,
  position: (row.position ?? undefined) as Position | undefined,
  eventsApplied: Number(row.events_applied),
  updatedAt: row.updated_at,
});

const selectOne = async (
  manager: EntityManager,
  sql: string,
  params: unknown[],
): Promise<ProjectionCheckpoint | undefined> => {
  const rows: CheckpointRow[] = await manager.query(sql, params);
  return rows[0] === undefined ? undefined : toCheckpoint(rows[0]);
};

export const loadCheckpoint = (
  manager: EntityManager,
  projection: string,
): Promise<ProjectionCheckpoint | undefined> =>
  selectOne(manager, `SELECT ${COLUMNS} FROM projection_checkpoints WHERE projection = $1`, [
    projection,
  ]);

export const loadAllCheckpoints = async (
  manager: EntityManager,
): Promise<ProjectionCheckpoint[]> => {
  const rows: CheckpointRow[] = await manager.query(
    `SELECT ${COLUMNS} FROM projection_checkpoints ORDER BY projection`,
  );
  return rows.map(toCheckpoint);
};

/**
 * Row-locks the checkpoint for the rest of the transaction. Two writers of the same projection
 * (say one whose lock connection died unnoticed) are serialised here, and the second sees the
 * first's new position and backs off: the guarantee does not rest on the advisory lock alone.
 */
export const lockCheckpoint = (
  manager: EntityManager,
  projection: string,
): Promise<ProjectionCheckpoint | undefined> =>
  selectOne(
    manager,
    `SELECT ${COLUMNS} FROM projection_checkpoints WHERE projection = $1 FOR UPDATE`,
    [projection],
  );

/** Back to the beginning of the log, at `version`. */
export const resetCheckpoint = async (
  manager: EntityManager,
  projection: string,
  version: number,
): Promise<ProjectionCheckpoint> =>
  (await selectOne(
    manager,
    `INSERT INTO projection_checkpoints AS c (projection, version, position, events_applied)
     VALUES ($1, $2, NULL, 0)
     ON CONFLICT (projection) DO UPDATE
       SET version = EXCLUDED.version, position = NULL, events_applied = 0, updated_at = now()
     RETURNING ${COLUMNS}`,
    [projection, version],
  )) as ProjectionCheckpoint;

/** Moves an existing checkpoint forward; the caller holds its row lock (`lockCheckpoint`). */
export const advanceCheckpoint = async (
  manager: EntityManager,
  projection: string,
  position: Position,
  applied: number,
): Promise<ProjectionCheckpoint | undefined> =>
  // Wrapped in a CTE: TypeORM returns a bare UPDATE's result as [rows, count].
  selectOne(
    manager,
    `WITH advanced AS (
       UPDATE projection_checkpoints
          SET position = $2, events_applied = events_applied + $3, updated_at = now()
        WHERE projection = $1
       RETURNING ${COLUMNS})
     SELECT ${COLUMNS} FROM advanced`,
    [projection, position, applied],
  );
