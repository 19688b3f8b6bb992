import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import type { TreeHeadSigner } from '@custodia/audit';
import {
  type DataKey,
  encryptField,
  type Envelope,
  InMemoryKeyVault,
} from '@custodia/crypto-shredding';
import { canonicalJson, chainHash, GENESIS_HASH } from '@custodia/event-store';
import { hash } from 'node:crypto';

/**
 * A realistic log for the `audit` group, written fast: events in their stored form (personal
 * fields sealed with the product's `encryptField` under one data key per customer), hashed with
 * the store's own chain (`event-hash.ts`: canonical JSON, SHA-256, chained per stream) and
 * inserted in batches straight into `events`; tree heads are signed along the way by the real
 * `TreeHeadSigner` through the real store. Seeding speed is not what is measured.
 */

/** An event as the store keeps it (personal fields already envelopes). */
type StoredEvent = {
  readonly streamId: string;
  readonly id: string;
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly metadata: Record<string, unknown>;
};

/** The canonical content bytes of every seeded event, for the raw SHA-256 reference. */
export type ContentBytes = {
  readonly count: number;
  readonly bytes: number;
  /** Calls `fn` with each event's canonical content, in log order. */
  forEach(fn: (content: Buffer) => void): void;
};

export type SeededLog = {
  /** Events in the log, tree heads included. */
  readonly events: number;
  readonly streams: number;
  readonly treeHeads: number;
  readonly content: ContentBytes;
};

const ACCESS_INSTANCES = 4;
const ACTORS = Array.from({ length: 200 }, (_, n) => `user-${String(n).padStart(4, '0')}`);
const TEAMS = ['team-east', 'team-north', 'team-south', 'team-west'];
const PURPOSES = ['sales_followup', 'order_fulfilment', 'customer_administration'];
const FIELDS = ['name', 'phone', 'email', 'wechat', 'address', 'company'];
const SUMMARIES = [
  '客户对企业版年度报价有兴趣，希望下周二上午再电话沟通合同条款。',
  '上门拜访采购部王经理，演示了审计日志，对方关注个人信息保护合规。',
  '微信沟通续约事宜，客户要求增加两个账号并申请九五折优惠，待审批。',
  '客户反馈报表导出较慢，已记录问题并承诺本周五前给出优化方案。',
];
const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高';
const GIVEN = '伟芳娜敏静丽强磊洋艳勇军杰娟涛明超秀霞平';

/** Chunks of content bytes: one allocation per 64 MiB, not one per event. */
class ContentLog implements ContentBytes {
  private readonly chunks: Buffer[] = [];
  private readonly ends: number[][] = [];
  private used = 0;
  count = 0;
  bytes = 0;

  add(text: string): void {
    const length = Buffer.byteLength(text);
    let chunk = this.chunks.at(-1);
    if (chunk === undefined || this.used + length > chunk.length) {
      chunk = Buffer.allocUnsafe(Math.max(64 * 2 ** 20, length));
      this.chunks.push(chunk);
      this.ends.push([]);
      this.used = 0;
    }
    this.used += chunk.write(text, this.used);
    this.ends[this.ends.length - 1].push(this.used);
    this.count += 1;
    this.bytes += length;
  }

  forEach(fn: (content: Buffer) => void): void {
    this.chunks.forEach((chunk, c) => {
      let start = 0;
      for (const end of this.ends[c]) {
        fn(chunk.subarray(start, end));
        start = end;
      }
    });
  }
}

type Customer = {
  readonly id: string;
  readonly key: DataKey;
  readonly owner: string;
};

const pick = <T>(items: readonly T[], n: number): T => items[n % items.length];
const phone = (n: number): string =>
  `1${pick(['38', '39', '50', '86'], n)}${String(n).padStart(8, '0')}`;
const chineseName = (n: number): string =>
  `${pick([...SURNAMES], n)}${pick([...GIVEN], n >> 3)}${pick([...GIVEN], n >> 7)}`;

/** Generates the log in order: access events in a few `AccessLog-*` streams, customers' own. */
class LogGenerator {
  private readonly vault = new InMemoryKeyVault();
  private readonly customers: Customer[] = [];
  private readonly accessStreams = Array.from(
    { length: ACCESS_INSTANCES },
    () => `AccessLog-${randomUUID()}`,
  );
  private serial = 0;
  private clock = Date.parse('2026-01-05T01:00:00Z');

  constructor(private readonly customerEvery: number) {}

  private metadata(actorId: string, purpose: string): Record<string, unknown> {
    this.clock += 1_000 + (this.serial % 7) * 113;
    return {
      actorId,
      correlationId: randomUUID(),
      causationId: randomUUID(),
      purpose,
      now: new Date(this.clock).toISOString(),
    };
  }

  private seal(customer: Customer, eventId: string, field: string, value: unknown): Envelope {
    return encryptField(customer.key, { subjectId: customer.id, eventId, field }, value);
  }

  async next(): Promise<StoredEvent> {
    const n = (this.serial += 1);
    if (this.customers.length === 0 || n % this.customerEvery === 0) return this.register(n);
    const customer = this.customers[(n * 7919) % this.customers.length];
    const roll = n % 20;
    if (roll < 11) return this.access(n, customer);
    return this.customerEvent(n, customer, roll);
  }

  private async register(n: number): Promise<StoredEvent> {
    const customerId = randomUUID();
    const key = (await this.vault.keysForEncryption([customerId])).get(customerId);
    if (key === undefined) throw new Error('bench audit: no data key');
    const customer: Customer = { id: customerId, key, owner: pick(ACTORS, n) };
    this.customers.push(customer);
    const id = randomUUID();
    const metadata = this.metadata(customer.owner, 'sales_followup');
    const personal: Record<string, unknown> = {
      name: chineseName(n),
      phone: phone(n),
      email: `customer.${n}@example.com`,
      wechat: `wx_${n.toString(36)}`,
      address: `上海市浦东新区世纪大道${(n % 2000) + 1}号`,
    };
    if (n % 5 === 0) personal.idNumber = `31011519${String(800101 + (n % 90000))}123X`;
    const data: Record<string, unknown> = {
      customerId,
      ownerId: customer.owner,
      team: pick(TEAMS, n),
      company: `示例科技有限公司${n % 500}`,
      registeredAt: metadata.now,
      actorId: customer.owner,
    };
    for (const [field, value] of Object.entries(personal))
      data[field] = this.seal(customer, id, field, value);
    return { streamId: `Customer-${customerId}`, id, type: 'CustomerRegistered', data, metadata };
  }

  private customerEvent(n: number, customer: Customer, roll: number): StoredEvent {
    const id = randomUUID();
    const streamId = `Customer-${customer.id}`;
    const metadata = this.metadata(customer.owner, 'sales_followup');
    if (roll < 17) {
      return {
        streamId,
        id,
        type: 'FollowUpLogged',
        data: {
          customerId: customer.id,
          followUpId: randomUUID(),
          purpose: 'sales_followup',
          channel: pick(['call', 'visit', 'wechat', 'email', 'meeting'], n),
          occurredAt: metadata.now,
          summary: this.seal(customer, id, 'summary', pick(SUMMARIES, n)),
          nextStep: this.seal(customer, id, 'nextStep', '发送修订报价'),
          nextFollowUpAt: new Date(this.clock + 7 * 86_400_000).toISOString(),
          products: ['custodia-enterprise'],
          quote: { amount: 128000 + (n % 1000), currency: 'CNY' },
          loggedBy: customer.owner,
        },
        metadata,
      };
    }
    if (roll < 19) {
      return {
        streamId,
        id,
        type: 'CustomerProfileUpdated',
        data: {
          customerId: customer.id,
          phone: this.seal(customer, id, 'phone', phone(n + 1)),
          email: this.seal(customer, id, 'email', `customer.${n}.new@example.com`),
          removed: [],
          updatedAt: metadata.now,
          actorId: customer.owner,
        },
        metadata,
      };
    }
    return {
      streamId,
      id,
      type: 'ConsentGranted',
      data: {
        customerId: customer.id,
        purpose: pick(PURPOSES, n),
        noticeVersion: '2026-01',
        noticeSha256: 'b1946ac92492d2347c6235b4d2611184b1946ac92492d2347c6235b4d2611184',
        channel: 'web',
        evidence: this.seal(customer, id, 'evidence', `签名确认单 #${n}`),
        grantedAt: metadata.now,
        actorId: customer.owner,
      },
      metadata,
    };
  }

  private access(n: number, customer: Customer): StoredEvent {
    const id = randomUUID();
    const streamId = pick(this.accessStreams, n);
    const actorId = pick(ACTORS, n * 31);
    const purpose = pick(PURPOSES, n);
    const metadata = this.metadata(actorId, purpose);
    const context = {
      actorId,
      roles: ['sales'],
      purpose,
      requestId: randomUUID(),
      route: 'GET /v1/customers/:id',
      underNotice: false,
    };
    if (n % 23 === 0) {
      return {
        streamId,
        id,
        type: 'PersonalDataRevealed',
        data: {
          ...context,
          route: 'POST /v1/customers/:id/reveal',
          customerId: customer.id,
          fields: ['phone'],
          reason: this.seal(customer, id, 'reason', '客户来电要求回拨，需要完整手机号'),
          revealedAt: metadata.now,
        },
        metadata,
      };
    }
    const list = n % 10 === 0;
    const customerIds = list
      ? Array.from(
          { length: 20 },
          (_, k) => this.customers[(n + k * 131) % this.customers.length].id,
        )
      : [customer.id];
    return {
      streamId,
      id,
      type: 'CustomerDataAccessed',
      data: {
        ...context,
        route: list ? 'GET /v1/customers' : context.route,
        customerIds,
        fields: FIELDS.map((field, k) => ({
          field,
          view: k === 0 && n % 3 === 0 ? 'full' : 'masked',
        })),
        accessedAt: metadata.now,
      },
      metadata,
    };
  }
}

const INSERT = `
  INSERT INTO events (stream_id, revision, event_id, type, data, metadata, hash)
  SELECT * FROM unnest($1::text[], $2::bigint[], $3::uuid[], $4::text[], $5::jsonb[],
    $6::jsonb[], $7::bytea[])`;

/**
 * Appends `events` generated events (plus the tree heads `signer` signs every `headEvery`) to
 * the store's table at `url`, continuing each stream's chain from where it left off.
 */
export const seedAuditLog = async (
  url: string,
  signer: TreeHeadSigner,
  s: { readonly events: number; readonly headEvery: number; readonly batch: number },
  progress: (line: string) => void,
): Promise<SeededLog> => {
  const pool = new Pool({ connectionString: url, max: 2 });
  const generator = new LogGenerator(12);
  const chains = new Map<string, { revision: number; hash: Buffer }>();
  const content = new ContentLog();
  let heads = 0;
  let written = 0;
  // One batch in flight while the next is generated: the database and this process overlap.
  let inFlight: Promise<unknown> = Promise.resolve();
  try {
    while (written < s.events) {
      const n = Math.min(s.batch, s.events - written, s.headEvery - (written % s.headEvery));
      const columns: unknown[][] = [[], [], [], [], [], [], []];
      for (let k = 0; k < n; k += 1) {
        const event = await generator.next();
        const before = chains.get(event.streamId);
        const revision = before === undefined ? 0 : before.revision + 1;
        const canonical = canonicalJson([
          event.streamId,
          event.id,
          event.type,
          event.data,
          event.metadata,
        ]);
        content.add(canonical);
        const digest = hash('sha256', canonical, 'buffer');
        const link = chainHash(before?.hash ?? GENESIS_HASH, revision, digest);
        chains.set(event.streamId, { revision, hash: link });
        const row = [
          event.streamId,
          revision,
          event.id,
          event.type,
          JSON.stringify(event.data),
          JSON.stringify(event.metadata),
          link,
        ];
        row.forEach((value, c) => columns[c].push(value));
      }
      await inFlight;
      inFlight = pool.query(INSERT, columns);
      inFlight.catch(() => undefined); // awaited before the next batch or the next head
      written += n;
      if (written % s.headEvery === 0 || written === s.events) {
        await inFlight;
        if ((await signer.signNow()) !== undefined) heads += 1;
        progress(`audit: seeded ${written.toLocaleString('en-US')} events, ${heads} tree heads`);
      }
    }
  } finally {
    await inFlight.catch(() => undefined);
    await pool.end();
  }
  return { events: written + heads, streams: chains.size + 1, treeHeads: heads, content };
};
