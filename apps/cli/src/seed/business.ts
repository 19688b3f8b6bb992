import type { FollowUpChannel, OrderStatus } from '@custodia/follow-ups';
import type { District } from './chinese-people';
import { type SeededRandom, WeightedTable } from './seeded-random';

/** Companies, products, quotes, order progress and follow-up notes as sales teams write them. */

const BRANDS = [
  '华信',
  '恒通',
  '鼎盛',
  '宏远',
  '金泰',
  '瑞丰',
  '博雅',
  '天成',
  '汇通',
  '永昌',
  '新元',
  '联创',
  '盛世',
  '东方',
  '启明',
  '嘉禾',
  '德润',
  '中联',
  '万达',
  '星辰',
  '正泰',
  '海纳',
  '云帆',
  '安盛',
];
const INDUSTRIES = [
  '科技',
  '贸易',
  '电子',
  '机械',
  '建材',
  '食品',
  '医药',
  '物流',
  '信息技术',
  '商贸',
  '实业',
  '咨询',
  '教育科技',
  '环保科技',
  '餐饮管理',
  '文化传媒',
];
const FORMS = ['有限公司', '有限公司', '有限公司', '股份有限公司', '有限责任公司'];

/** `深圳市华信科技有限公司`: city, brand, industry, legal form. */
export const companyName = (random: SeededRandom, where: District): string =>
  `${where.city}${random.pick(BRANDS)}${random.pick(INDUSTRIES)}${random.pick(FORMS)}`;

/** Product name and a typical unit price in yuan. */
export const PRODUCTS: readonly (readonly [string, number])[] = [
  ['企业版CRM年费', 38_000],
  ['智能门禁系统', 26_500],
  ['工业传感器套件', 12_800],
  ['云存储5TB套餐', 9_600],
  ['办公家具套装', 18_000],
  ['安防摄像头', 1_450],
  ['财务软件标准版', 6_800],
  ['员工培训服务', 15_000],
  ['设备维保服务包', 22_000],
  ['打印机租赁', 3_600],
  ['会议室音视频系统', 48_000],
  ['数据分析平台', 120_000],
];

export const pickProducts = (random: SeededRandom): string[] =>
  random.sample(PRODUCTS, random.int(1, 3)).map(([name]) => name);

/** A quote for the products: list price × quantity, a discount, rounded to the yuan or fen. */
export const quoteFor = (random: SeededRandom, products: readonly string[]) => {
  let amount = 0;
  for (const product of products) {
    const price = PRODUCTS.find(([name]) => name === product)?.[1] ?? 10_000;
    amount += price * random.int(1, 20);
  }
  const discounted = amount * (0.75 + random.float() * 0.25);
  return { amount: Math.round(discounted * 100) / 100, currency: 'CNY' };
};

/** Where a deal goes next: mostly forward, sometimes lost or cancelled, never back to none. */
const NEXT_STATUS: Readonly<Record<OrderStatus, readonly (readonly [OrderStatus, number])[]>> = {
  none: [
    ['none', 5],
    ['quoted', 4],
    ['lost', 1],
  ],
  quoted: [
    ['quoted', 3],
    ['negotiating', 5],
    ['lost', 2],
  ],
  negotiating: [
    ['negotiating', 3],
    ['ordered', 4],
    ['lost', 2],
    ['cancelled', 1],
  ],
  ordered: [
    ['ordered', 3],
    ['delivered', 6],
    ['cancelled', 1],
  ],
  delivered: [['delivered', 1]],
  cancelled: [['cancelled', 1]],
  lost: [['lost', 1]],
};
const NEXT_TABLES = Object.fromEntries(
  Object.entries(NEXT_STATUS).map(([status, next]) => [status, new WeightedTable(next)]),
) as Record<OrderStatus, WeightedTable<OrderStatus>>;

export const nextOrderStatus = (random: SeededRandom, current: OrderStatus): OrderStatus =>
  NEXT_TABLES[current].pick(random);

export const FOLLOW_UP_CHANNELS = new WeightedTable<FollowUpChannel>([
  ['call', 40],
  ['wechat', 30],
  ['visit', 12],
  ['email', 10],
  ['meeting', 8],
]);

const SUMMARIES: Readonly<Record<FollowUpChannel, readonly string[]>> = {
  call: [
    '电话沟通了{p}的需求，客户希望下周看详细方案。',
    '回访电话：客户对{p}的价格有顾虑，需要再比较两家供应商。',
    '客户来电询问{p}的交付周期和售后条款。',
    '电话确认采购负责人已变更，新联系人对{p}感兴趣。',
  ],
  wechat: [
    '微信发送了{p}的产品资料，客户已读并表示会转给领导。',
    '客户在微信上咨询{p}的试用安排。',
    '微信沟通付款方式，客户希望分两期付款。',
    '客户微信反馈{p}演示效果不错，等待内部审批。',
  ],
  visit: [
    '上门拜访，现场演示了{p}，参会三人，技术负责人反馈积极。',
    '拜访客户办公室，了解现有系统情况，{p}可替换旧设备。',
    '到客户现场勘察安装环境，需要补充{p}的布线方案。',
  ],
  email: [
    '邮件发送{p}报价单及合同模板。',
    '客户邮件回复：预算已批，要求补充{p}的资质文件。',
    '邮件跟进上次会议纪要和{p}的实施计划。',
  ],
  meeting: [
    '线上会议讨论{p}的实施范围，客户要求缩短工期。',
    '与客户采购、财务开会谈判{p}的合同条款。',
    '季度回顾会议，客户对{p}的使用情况满意，有续约意向。',
  ],
};

const SERVICE_SUMMARIES = [
  '售后回访：设备运行正常，客户提出一项小的改进建议。',
  '客户报修，已安排工程师两天内上门处理。',
  '处理客户关于发票的问题，已重新开具。',
  '例行保养完成，客户签字确认。',
];

const NEXT_STEPS = [
  '发送正式报价单',
  '安排上门演示',
  '约技术负责人开会',
  '跟进合同审批进度',
  '寄送样品',
  '确认交付时间',
  '准备投标材料',
  '电话回访确认意向',
];

export const followUpSummary = (
  random: SeededRandom,
  channel: FollowUpChannel,
  products: readonly string[],
): string =>
  random.pick(SUMMARIES[channel]).replace('{p}', products.length > 0 ? products[0] : '产品');

export const serviceSummary = (random: SeededRandom): string => random.pick(SERVICE_SUMMARIES);

export const nextStep = (random: SeededRandom): string => random.pick(NEXT_STEPS);

/** Yearly income in whole yuan, log-normal-ish between 36,000 and a few million. */
export const annualIncome = (random: SeededRandom): number => {
  const exponent = 4.6 + random.float() * 1.6 + random.float() * 0.6;
  return Math.round(10 ** exponent / 1000) * 1000;
};
