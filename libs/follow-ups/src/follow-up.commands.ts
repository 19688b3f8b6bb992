import type { Message } from '@custodia/consent';

export const followUpChannels = ['call', 'visit', 'wechat', 'email', 'meeting'] as const;
export type FollowUpChannel = (typeof followUpChannels)[number];

export const orderStatuses = [
  'none',
  'quoted',
  'negotiating',
  'ordered',
  'delivered',
  'cancelled',
  'lost',
] as const;
export type OrderStatus = (typeof orderStatuses)[number];

export type Quote = {
  /** In the currency's main unit (yuan), at most two decimals. */
  readonly amount: number;
  /** ISO 4217, e.g. CNY. */
  readonly currency: string;
};

/** The parts of a follow-up that hold data; each maps to a catalog field its purpose must list. */
export type FollowUpContent = {
  /** Free text: may hold anything the customer said, so it is personal and encrypted. */
  readonly summary: string;
  readonly nextStep?: string;
  readonly nextFollowUpAt?: string;
  readonly products?: readonly string[];
  readonly quote?: Quote;
  readonly orderStatus?: OrderStatus;
};

export type LogFollowUp = Message<
  'LogFollowUp',
  FollowUpContent & {
    readonly customerId: string;
    readonly followUpId: string;
    /** What the interaction served; its consent must have been active when it happened. */
    readonly purpose: string;
    readonly channel: FollowUpChannel;
    /** When the interaction took place. */
    readonly occurredAt: string;
    /** When it is logged (the clock's now): never before `occurredAt`. */
    readonly recordedAt: string;
    readonly actorId: string;
  }
>;

export type FollowUpCommand = LogFollowUp;
