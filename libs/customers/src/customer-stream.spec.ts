import { aConsentGranted, aCustomerRegistered } from '@custodia/testing';
import { customerStreamId, isCustomerAggregateEvent } from './customer-stream';

describe(isCustomerAggregateEvent.name, () => {
  it('selects the customer and consent events of the stream, not the follow-ups', () => {
    expect(isCustomerAggregateEvent(aCustomerRegistered())).toBe(true);
    expect(isCustomerAggregateEvent(aConsentGranted())).toBe(true);
    expect(isCustomerAggregateEvent({ type: 'FollowUpLogged' })).toBe(false);
    expect(isCustomerAggregateEvent({ type: 'constructor' })).toBe(false);
  });

  it('names the stream after the customer', () => {
    expect(customerStreamId('0197')).toBe('Customer-0197');
  });
});
