import { Client } from 'pg';

export type DirectoryShape = {
  /** Rows to add to access_customer_directory. */
  readonly customers: number;
  /** Owners `bench.owner-00…`, each in team `team-(owner % teams)`. */
  readonly owners: number;
  readonly teams: number;
};

export const ownerId = (n: number): string => `bench.owner-${String(n).padStart(2, '0')}`;
export const teamName = (n: number): string => `team-${String(n).padStart(2, '0')}`;

const basis = (purpose: string): string =>
  JSON.stringify({ purpose, lawfulBasis: 'consent', separate: false });

/**
 * Rows of the shape the customer-directory projection writes (masked values only, keyed blind
 * indexes as 32-byte digests, `active_bases` sorted by purpose), made by one
 * `INSERT … SELECT generate_series` instead of 100,000 projected events:
 * - owner `i % owners`, team `owner % teams` (so 5 owners per team for 50 and 10);
 * - every customer consented to `sales_followup`, one in five to `marketing` too;
 * - 70 % have follow-ups: the last one 0–89 days ago, the next one 0–60 days ahead (hourly);
 * - names, phones, e-mails and WeChat ids masked as `masking.ts` masks them.
 * Then ANALYZE, as autovacuum would do after such a load.
 */
export const seedDirectory = async (url: string, shape: DirectoryShape): Promise<void> => {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO access_customer_directory
         (customer_id, owner_id, team, name_masked, phone_masked, email_masked, wechat_masked,
          company, active_bases, last_follow_up_at, next_follow_up_at, registered_at,
          updated_at, phone_bidx, email_bidx)
       SELECT gen_random_uuid(),
              'bench.owner-' || lpad((i % $2)::text, 2, '0'),
              'team-' || lpad(((i % $2) % $3)::text, 2, '0'),
              (ARRAY['张', '王', '李', '刘', '陈', '杨', '赵', '黄'])[1 + i % 8]
                || CASE WHEN i % 3 = 0 THEN '*' ELSE '**' END,
              '1' || (3 + i % 6)::text || (i % 10)::text || '****' || lpad((i % 10000)::text, 4, '0'),
              CASE WHEN i % 4 = 0 THEN NULL ELSE chr(97 + i % 26) || '***@example.com' END,
              CASE WHEN i % 2 = 0 THEN 'wx********' ELSE NULL END,
              '示例科技有限公司' || (i % 500)::text,
              (CASE WHEN i % 5 = 0 THEN $4 ELSE $5 END)::jsonb,
              CASE WHEN i % 10 < 7 THEN now() - (i % 90) * interval '1 day' END,
              CASE WHEN i % 10 < 7 THEN now() + ((i::bigint * 7919) % 1440) * interval '1 hour' END,
              now() - (i % 365) * interval '1 day',
              now(),
              sha256(convert_to('phone:' || i, 'UTF8')),
              CASE WHEN i % 4 = 0 THEN NULL ELSE sha256(convert_to('email:' || i, 'UTF8')) END
         FROM generate_series(1, $1::int) AS i`,
      [
        shape.customers,
        shape.owners,
        shape.teams,
        `[${basis('marketing')},${basis('sales_followup')}]`,
        `[${basis('sales_followup')}]`,
      ],
    );
    await client.query('ANALYZE access_customer_directory');
  } finally {
    await client.end();
  }
};
