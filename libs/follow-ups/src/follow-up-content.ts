import { type FieldName, isIsoInstant } from '@custodia/consent';
import {
  type FollowUpContent,
  followUpChannels,
  orderStatuses,
  type Quote,
} from './follow-up.commands';
import { FollowUpError } from './follow-up.errors';

/** The catalog field each part of a follow-up stores: its purpose must list it. */
export const catalogFieldOf = {
  summary: 'followUpNotes',
  nextStep: 'followUpNotes',
  products: 'products',
  quote: 'quote',
  orderStatus: 'orderStatus',
} as const satisfies Partial<Record<keyof FollowUpContent, FieldName>>;

type Part = keyof typeof catalogFieldOf;

/** The parts a follow-up fills, each with the catalog field it stores. */
export const partsUsed = (content: FollowUpContent): [Part, FieldName][] =>
  (Object.keys(catalogFieldOf) as Part[])
    .filter((part) => content[part] !== undefined)
    .map((part) => [part, catalogFieldOf[part]]);

export const invalid = (field: string, rule: string): FollowUpError =>
  new FollowUpError('FOLLOW_UP.FIELD_INVALID', `${field}: ${rule}`, field);

// Notes may span lines; other control and format characters are refused.
const isNote = (value: unknown, max: number): boolean =>
  typeof value === 'string' &&
  value.trim() !== '' &&
  [...value].length <= max &&
  !/[\p{Cc}\p{Cf}]/u.test(value.replace(/[\n\r\t]/g, ''));

/** Checks the shape of each part; the rules about consent and purpose live in the decider. */
export const checkContent = (
  data: FollowUpContent & { readonly channel: unknown; readonly occurredAt: string },
): void => {
  if (!(followUpChannels as readonly unknown[]).includes(data.channel)) {
    throw invalid('channel', `must be one of ${followUpChannels.join(', ')}`);
  }
  if (!isNote(data.summary, 2000)) throw invalid('summary', 'must be 1–2000 characters of text');
  if (data.nextStep !== undefined && !isNote(data.nextStep, 500)) {
    throw invalid('nextStep', 'must be 1–500 characters of text');
  }
  if (data.nextFollowUpAt !== undefined) {
    if (!isIsoInstant(data.nextFollowUpAt)) {
      throw invalid('nextFollowUpAt', 'must be an ISO-8601 date-time with offset');
    }
    if (Date.parse(data.nextFollowUpAt) <= Date.parse(data.occurredAt)) {
      throw invalid('nextFollowUpAt', 'must be after occurredAt');
    }
  }
  if (data.products !== undefined) checkProducts(data.products);
  if (data.quote !== undefined) checkQuote(data.quote);
  if (
    data.orderStatus !== undefined &&
    !(orderStatuses as readonly unknown[]).includes(data.orderStatus)
  ) {
    throw invalid('orderStatus', `must be one of ${orderStatuses.join(', ')}`);
  }
};

const checkProducts = (products: unknown): void => {
  const ok =
    Array.isArray(products) &&
    products.length >= 1 &&
    products.length <= 20 &&
    products.every((product) => isNote(product, 100) && !/[\r\n]/.test(product as string)) &&
    new Set(products).size === products.length;
  if (!ok) throw invalid('products', 'must list 1–20 distinct product names of 1–100 characters');
};

const checkQuote = (quote: Quote): void => {
  const { amount, currency } = quote as { amount?: unknown; currency?: unknown };
  if (
    typeof amount !== 'number' ||
    !Number.isFinite(amount) ||
    amount < 0 ||
    amount > 1e12 ||
    // On the decimal form: 0.29 * 100 is not an integer in binary floating point.
    !/^\d+(?:\.\d{1,2})?$/.test(String(amount))
  ) {
    throw invalid('quote.amount', 'must be a number from 0 to 10^12 with at most two decimals');
  }
  if (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency)) {
    throw invalid('quote.currency', 'must be an ISO 4217 code such as CNY');
  }
};
