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
export const preparedQueries = (dataSource: DataSource): Queryable => {
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
  };
};
