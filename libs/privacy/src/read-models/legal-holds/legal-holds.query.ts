import type { EntityManager } from 'typeorm';

type Queryable = Pick<EntityManager, 'query'>;

/** The customer a hold belongs to, or undefined (eventually consistent: a projection). */
export const findHoldOwner = async (db: Queryable, holdId: string): Promise<string | undefined> => {
  const rows: { customer_id: string }[] = await db.query(
    `SELECT customer_id FROM privacy_legal_holds WHERE hold_id = $1`,
    [holdId],
  );
  return rows[0]?.customer_id;
};
