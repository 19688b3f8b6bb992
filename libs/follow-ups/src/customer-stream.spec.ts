import { fold } from '@custodia/platform';
import { createCustomerDecider, isCustomerAggregateEvent } from '@custodia/customers';
import {
  aLogFollowUp,
  aPurposeCatalog,
  aRegisterCustomer,
  aWithdrawConsent,
  T2,
} from '@custodia/testing';
import { createFollowUpDecider } from './follow-up.decider';
import { type CustomerStreamEvent, isCustomerStreamEvent } from './follow-up.events';

const catalog = aPurposeCatalog();
const customers = createCustomerDecider(catalog);
const followUps = createFollowUpDecider(catalog);

describe('the customer stream', () => {
  it('is decided on by the customer decider (without follow-ups) and the follow-up decider', () => {
    const stream: CustomerStreamEvent[] = [];
    const customerState = () => fold(customers, stream.filter(isCustomerAggregateEvent));
    stream.push(...customers.decide(aRegisterCustomer(), customerState()));
    stream.push(...followUps.decide(aLogFollowUp(), fold(followUps, stream)));
    stream.push(...customers.decide(aWithdrawConsent({ withdrawnAt: T2 }), customerState()));
    expect(stream.map((event) => event.type)).toEqual([
      'CustomerRegistered',
      'ConsentGranted',
      'FollowUpLogged',
      'ConsentWithdrawn',
    ]);
    expect(stream.every(isCustomerStreamEvent)).toBe(true);
    // The withdrawal took effect at once: the next follow-up is refused.
    const next = aLogFollowUp({ followUpId: 'f-2', occurredAt: T2, recordedAt: T2 });
    let refusal: unknown;
    try {
      followUps.decide(next, fold(followUps, stream));
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toMatchObject({ code: 'FOLLOW_UP.PURPOSE_NOT_ACTIVE' });
  });
});
