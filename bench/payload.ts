import { randomUUID } from 'node:crypto';

/** A follow-up as a sales rep logs it: Chinese free text, products, a quote, full metadata. */
export type BenchEvent = {
  readonly id: string;
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly metadata: Record<string, string>;
};

const SUMMARIES = [
  '客户对企业版年度报价有兴趣，希望下周二上午再电话沟通合同条款。',
  '上门拜访采购部王经理，演示了审计日志，对方关注个人信息保护合规。',
  '微信沟通续约事宜，客户要求增加两个账号并申请九五折优惠，待审批。',
  '客户反馈报表导出较慢，已记录问题并承诺本周五前给出优化方案。',
] as const;
const CHANNELS = ['call', 'visit', 'wechat', 'email', 'meeting'] as const;
const ACTORS = Array.from({ length: 16 }, () => randomUUID());

export const benchEvent = (n: number): BenchEvent => {
  return {
    id: randomUUID(),
    type: 'FollowUpLogged',
    data: {
      customerId: randomUUID(),
      channel: CHANNELS[n % CHANNELS.length],
      summary: SUMMARIES[n % SUMMARIES.length],
      nextStep: '发送修订报价',
      nextFollowUpOn: '2025-07-08',
      products: ['custodia-enterprise'],
      quote: { amount: 128000 + (n % 1000), currency: 'CNY' },
    },
    metadata: {
      actorId: ACTORS[n % ACTORS.length],
      correlationId: randomUUID(),
      purpose: 'customer-follow-up',
      now: '2025-06-30T09:31:12.345Z',
    },
  };
};

/** UTF-8 bytes of data + metadata as JSON, for the record in results/latest.json. */
export const payloadBytes = (event: BenchEvent): number =>
  Buffer.byteLength(JSON.stringify(event.data)) + Buffer.byteLength(JSON.stringify(event.metadata));
