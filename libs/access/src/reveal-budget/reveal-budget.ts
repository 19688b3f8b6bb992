import type { DataSource } from 'typeorm';
import { AccessRevealBudget1796740000000 } from './1796740000000-access-reveal-budget.migration';

/** The reveal budget's table, to run with the other libraries' migrations. */
export const revealBudgetMigrations = [AccessRevealBudget1796740000000] as const;

/** How many values a user may reveal in a sliding window; fewer under offboarding notice. */
export type RevealLimits = {
  readonly perWindow: number;
  readonly perWindowUnderNotice: number;
  readonly windowMs: number;
};

/**
 * One statement, so it is atomic across processes: the user's row is locked by the upsert, the
 * instants older than the window are dropped, and the new ones are added only if they fit. A
 * first reveal inserts the row (when it fits at all). Returns a row only when the budget was
 * taken. $1 user, $2 now, $3 values, $4 window start, $5 limit.
 */
const TAKE = `
  INSERT INTO access_reveal_budget AS b (user_id, taken)
  SELECT $1, array_fill($2::timestamptz, ARRAY[$3::int]) WHERE $3::int <= $5::int
  ON CONFLICT (user_id) DO UPDATE
    SET taken = ARRAY(SELECT t FROM unnest(b.taken) AS t WHERE t > $4::timestamptz) || EXCLUDED.taken
    WHERE (SELECT count(*) FROM unnest(b.taken) AS t WHERE t > $4::timestamptz) + $3::int <= $5::int
  RETURNING 1 AS taken`;

/**
 * Reveals per user in a sliding window, counted in PostgreSQL so that every API replica draws on
 * the same budget. Each revealed field counts as one.
 */
export class PostgresRevealBudget {
  constructor(
    private readonly dataSource: DataSource,
    private readonly limits: RevealLimits,
  ) {}

  /** Takes `count` reveals if the budget allows; false (and nothing taken) when it does not. */
  async tryTake(userId: string, underNotice: boolean, count: number, now: Date): Promise<boolean> {
    const { perWindow, perWindowUnderNotice, windowMs } = this.limits;
    const limit = underNotice ? perWindowUnderNotice : perWindow;
    const since = new Date(now.getTime() - windowMs);
    const rows: unknown[] = await this.dataSource.query(TAKE, [
      userId,
      now.toISOString(),
      count,
      since.toISOString(),
      limit,
    ]);
    return rows.length === 1;
  }
}
