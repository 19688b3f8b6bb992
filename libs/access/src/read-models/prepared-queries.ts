import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/** What the read-model queries need: TypeORM's `query` shape (the rows, typed by the caller). */
export type Queryable = Pick<EntityManager, 'query'>;

/**
 * Runs read-model queries on the data source's own pg pool as named prepared statements: the
 * same text gets the same name, so PostgreSQL parses and plans it once per connection instead
 * of on every request (half of a directory page's time on a 2-core machine).
 */
export const preparedQueries = (
  dataSource: DataSource,
): Queryable & {
  /**
   * The same pool, each query an unnamed statement, so PostgreSQL plans it for its values
   * every time. For statements whose generic plan is bad: with a parameter at each end of a date
   * range it cannot know the range's size, and after five executions the named statement of a
   * next follow-up window settled on a plan that read and sorted the whole window (7.8 ms for a
   * 7-day window of 1,184 rows of a team) instead of one ordered range scan of the first page
   * (1.4 ms, + 0.65 ms planning). Plans: docs/plans/customer-directory.md.
   */
  readonly customPlan: Queryable;
} => {
  const pool = (dataSource.driver as PostgresDriver).master as Pool;
  const names = new Map<string, string>();
  const nameOf = (text: string): string => {
    let name = names.get(text);
    if (name === undefined) {
      name = `custodia_rm_${createHash('sha256').update(text).digest('hex').slice(0, 16)}`;
      names.set(text, name);
    }
    return name;
  };
  return {
    async query<T>(text: string, parameters: unknown[] = []): Promise<T> {
      const result = await pool.query({ name: nameOf(text), text, values: parameters });
      return result.rows as T;
    },
    customPlan: {
      async query<T>(text: string, parameters: unknown[] = []): Promise<T> {
        const result = await pool.query(text, parameters);
        return result.rows as T;
      },
    },
  };
};
