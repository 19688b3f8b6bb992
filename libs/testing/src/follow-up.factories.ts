import type { FollowUpLogged, LogFollowUp } from '@custodia/follow-ups';
import { CUSTOMER_ID, SALES_REP, T1 } from './consent.factories';

export const FOLLOW_UP_ID = '01970000-0000-7000-8000-0000000000f1';

/** A call under `sales_followup`, one day after the consent of `aConsentGranted()`. */
export const aLogFollowUp = (data: Partial<LogFollowUp['data']> = {}): LogFollowUp => ({
  type: 'LogFollowUp',
  data: {
    customerId: CUSTOMER_ID,
    followUpId: FOLLOW_UP_ID,
    purpose: 'sales_followup',
    channel: 'call',
    occurredAt: T1,
    summary: '客户对年度套餐感兴趣，希望下周看报价。',
    recordedAt: T1,
    actorId: SALES_REP,
    ...data,
  },
});

/** The event `aLogFollowUp(data)` is expected to produce. */
export const aFollowUpLogged = (data: Partial<FollowUpLogged['data']> = {}): FollowUpLogged => ({
  type: 'FollowUpLogged',
  data: aLogFollowUp(data).data,
});
