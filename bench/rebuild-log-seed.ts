import { hash, randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { type DataKey, encryptField, type KeyVault } from '@custodia/crypto-shredding';
import { canonicalJson, chainHash, GENESIS_HASH } from '@custodia/event-store';

/**
 * The `rebuild` group's log, written fast: `FollowUpLogged` events as the API stores them
 * (summary and next step sealed by the product's `encryptField` under each customer's data key,
 * created in the real `PostgresKeyVault` so the rebuild can open them), hashed with the store's
 * own chain and inserted 2,000 at a time straight into `events`. Seeding speed is not measured.
 *
 * Customers come in blocks of 2,000 with 8 follow-ups each, spread over the block's 16,000
 * events (customer `(k × 7919) mod 2000` for the block's k-th event), as a period's activity
 * would be: a rebuild meets each customer's key several times, a few thousand events apart.
 */

const BLOCK_CUSTOMERS = 2_000;
const PER_CUSTOMER = 8;
const BLOCK_EVENTS = BLOCK_CUSTOMERS * PER_CUSTOMER;
const INSERT_BATCH = 2_000;
const ACTORS = Array.from({ length: 200 }, (_, n) => `user-${String(n).padStart(4, '0')}`);
const CHANNELS = ['call', 'visit', 'wechat', 'email', 'meeting'];
const SUMMARIES = [
  '客户对企业版年度报价有兴趣，希望下周二上午再电话沟通合同条款。',
  '上门拜访采购部王经理，演示了审计日志，对方关注个人信息保护合规。',
  '微信沟通续约事宜，客户要求增加两个账号并申请九五折优惠，待审批。',
  '客户反馈报表导出较慢，已记录问题并承诺本周五前给出优化方案。',
];

const INSERT = `
  INSERT INTO events (stream_id, revision, event_id, type, data, metadata, hash)
  SELECT * FROM unnest($1::text[], $2::bigint[], $3::uuid[], $4::text[], $5::jsonb[],
    $6::jsonb[], $7::bytea[])`;

type Customer = { readonly id: string; readonly key: DataKey; revision: number; link: Buffer };

/** Appends follow-ups to the log at `url` until it holds `total` of them; resumable in steps. */
export class RebuildLogSeeder {
  private written = 0;
  private block: Customer[] = [];
  private clock = Date.parse('2026-01-05T01:00:00Z');

  constructor(
    private readonly url: string,
    private readonly vault: KeyVault,
  ) {}

  get events(): number {
    return this.written;
  }

  async seedTo(total: number, progress: (line: string) => void): Promise<void> {
    const pool = new Pool({ connectionString: this.url, max: 2 });
    let inFlight: Promise<unknown> = Promise.resolve();
    try {
      while (this.written < total) {
        const n = Math.min(INSERT_BATCH, total - this.written);
        const columns: unknown[][] = [[], [], [], [], [], [], []];
        for (let k = 0; k < n; k += 1) {
          const serial = this.written + k;
          const inBlock = serial % BLOCK_EVENTS;
          if (inBlock === 0) await this.newBlock();
          const customer = this.block[(inBlock * 7919) % BLOCK_CUSTOMERS];
          this.append(columns, customer, serial);
        }
        await inFlight;
        inFlight = pool.query(INSERT, columns);
        inFlight.catch(() => undefined); // awaited before the next batch
        this.written += n;
        if (this.written % 100_000 === 0 || this.written === total) {
          await inFlight;
          progress(`rebuild: seeded ${this.written.toLocaleString('en-US')} events`);
        }
      }
      await inFlight;
    } finally {
      await inFlight.catch(() => undefined);
      await pool.end();
    }
  }

  private async newBlock(): Promise<void> {
    const ids = Array.from({ length: BLOCK_CUSTOMERS }, () => randomUUID());
    const keys = await this.vault.keysForEncryption(ids);
    this.block = ids.map((id) => {
      const key = keys.get(id);
      if (key === undefined) throw new Error('bench rebuild: the vault gave no data key');
      return { id, key, revision: -1, link: GENESIS_HASH };
    });
  }

  private append(columns: unknown[][], customer: Customer, serial: number): void {
    this.clock += 1_000 + (serial % 7) * 113;
    const now = new Date(this.clock).toISOString();
    const eventId = randomUUID();
    const streamId = `Customer-${customer.id}`;
    const actorId = ACTORS[serial % ACTORS.length];
    const seal = (field: string, value: string) =>
      encryptField(customer.key, { subjectId: customer.id, eventId, field }, value);
    const data = {
      customerId: customer.id,
      followUpId: randomUUID(),
      purpose: 'sales_followup',
      channel: CHANNELS[serial % CHANNELS.length],
      occurredAt: now,
      recordedAt: now,
      summary: seal('summary', SUMMARIES[serial % SUMMARIES.length]),
      nextStep: seal('nextStep', '发送修订报价'),
      nextFollowUpAt: new Date(this.clock + 7 * 86_400_000).toISOString(),
      products: ['custodia-enterprise'],
      quote: { amount: 128000 + (serial % 1000), currency: 'CNY' },
      actorId,
    };
    const metadata = {
      actorId,
      correlationId: randomUUID(),
      causationId: randomUUID(),
      purpose: 'sales_followup',
      now,
    };
    const revision = (customer.revision += 1);
    const digest = hash(
      'sha256',
      canonicalJson([streamId, eventId, 'FollowUpLogged', data, metadata]),
      'buffer',
    );
    customer.link = chainHash(customer.link, revision, digest);
    const row = [
      streamId,
      revision,
      eventId,
      'FollowUpLogged',
      JSON.stringify(data),
      JSON.stringify(metadata),
      customer.link,
    ];
    row.forEach((value, c) => columns[c].push(value));
  }
}
