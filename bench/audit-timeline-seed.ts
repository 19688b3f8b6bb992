import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';

/**
 * The access timeline read model filled the way the projection fills it, but server-side and in
 * chunks (seeding speed is not what is measured): `rows` entries over `customers` customers,
 * skewed (a few customers have thousands of entries, most a handful), 500 actors, 3 purposes,
 * accesses (viewed, revealed, exported, denied) and changes, over a year.
 */

/** The id of customer `n` as the seed writes it: md5('customer-n') as a UUID. */
export const timelineCustomerId = (n: number): string => {
  const hex = createHash('md5').update(`customer-${n}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

const CHUNK = 100_000;

/** $1 first row, $2 rows, $3 customers. */
const SEED = `
  INSERT INTO access_timeline
    (event_id, ordinal, actor_id, actor_roles, kind, purpose, customer_id, fields, row_count,
     watermark, reason, request_id, route, under_notice, detail, occurred_at, recorded_at)
  SELECT gen_random_uuid(), 0, actor, roles, kind, purpose,
         md5('customer-' || customer)::uuid::text, fields, NULL, NULL,
         CASE WHEN kind = 'denied' THEN 'NOT_OWNER' END,
         CASE WHEN change THEN NULL ELSE gen_random_uuid()::text END,
         CASE WHEN change THEN NULL
              WHEN kind = 'revealed' THEN 'POST /v1/customers/:id/reveal'
              ELSE 'GET /v1/customers/:id' END,
         CASE WHEN change THEN NULL ELSE false END,
         CASE WHEN change THEN jsonb_build_object('requestId', gen_random_uuid()::text) END,
         at, at + interval '40 milliseconds'
  FROM (
    SELECT i,
           'user-' || lpad((hashint % 500)::text, 4, '0') AS actor,
           CASE WHEN k >= 85 THEN NULL ELSE ARRAY['sales'] END AS roles,
           k >= 85 AS change,
           CASE WHEN k < 70 THEN 'viewed' WHEN k < 78 THEN 'revealed' WHEN k < 80 THEN 'exported'
                WHEN k < 85 THEN 'denied' WHEN k < 92 THEN 'follow_up_logged'
                WHEN k < 97 THEN 'updated' ELSE 'consent_granted' END AS kind,
           (ARRAY['sales_followup', 'order_fulfilment', 'customer_administration'])[1 + i % 3]
             AS purpose,
           floor($3::int * power(random(), 2))::int AS customer,
           CASE WHEN k >= 85 THEN '[{"field": "phone", "change": "set"}]'::jsonb
                WHEN k >= 70 AND k < 78 THEN '[{"field": "phone", "view": "full"}]'::jsonb
                ELSE '[{"field": "name", "view": "masked"}, {"field": "phone", "view": "masked"},
                       {"field": "email", "view": "masked"}, {"field": "wechat", "view": "masked"},
                       {"field": "company", "view": "full"}]'::jsonb END AS fields,
           timestamptz '2026-01-01T00:00:00Z' + i * interval '31 seconds' AS at
    FROM (SELECT i, (i * 2654435761) % 4294967296 AS hashint, (i * 7919) % 100 AS k
          FROM generate_series($1::bigint, $1::bigint + $2 - 1) AS i) AS numbered
  ) AS generated`;

export const seedAccessTimeline = async (
  db: Pick<DataSource, 'query'>,
  rows: number,
  customers: number,
  progress: (line: string) => void,
): Promise<void> => {
  for (let done = 0; done < rows; done += CHUNK) {
    await db.query(SEED, [done, Math.min(CHUNK, rows - done), customers]);
    if ((done + CHUNK) % 500_000 === 0 || done + CHUNK >= rows)
      progress(
        `audit: access timeline ${Math.min(rows, done + CHUNK).toLocaleString('en-US')} rows`,
      );
  }
  await db.query(`VACUUM ANALYZE access_timeline`);
};
