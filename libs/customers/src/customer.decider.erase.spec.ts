import {
  aConsentGranted,
  aCustomerRegistered,
  aGrantConsent,
  aPurposeCatalog,
  CUSTOMER_ID,
  deciderSpec,
  SALES_REP,
  T1,
} from '@custodia/testing';
import type { CustomerAggregateCommand } from './customer.decider';
import { createCustomerDecider } from './customer.decider';
import type { CustomerErased } from './customer.events';

const spec = deciderSpec(createCustomerDecider(aPurposeCatalog()));
const registered = [aCustomerRegistered(), aConsentGranted()];
const DPO = 'dpo-1';
const REQUEST = '01938c2e-0000-7000-8000-000000000001';
const KEY = '01938c2e-0000-7000-8000-0000000000aa';

const erase = (customerId = CUSTOMER_ID): CustomerAggregateCommand => ({
  type: 'EraseCustomer',
  data: { customerId, requestId: REQUEST, keyId: KEY, occurredAt: T1, actorId: DPO },
});
const erased: CustomerErased = {
  type: 'CustomerErased',
  data: { customerId: CUSTOMER_ID, requestId: REQUEST, keyId: KEY, erasedAt: T1, actorId: DPO },
};

describe('EraseCustomer', () => {
  it('records the erasure with ids and times only', () => {
    spec.given(registered).when(erase()).then([erased]);
    expect(JSON.stringify(erased)).not.toMatch(/name|phone|email/);
  });

  it('takes a repeated erasure as a retry', () => {
    spec
      .given([...registered, erased])
      .when(erase())
      .then([]);
  });

  it('refuses an unknown customer and a request without its id', () => {
    spec.given([]).when(erase()).thenThrows('CUSTOMER.NOT_FOUND');
    spec
      .given(registered)
      .when({
        type: 'EraseCustomer',
        data: { customerId: CUSTOMER_ID, requestId: '', occurredAt: T1, actorId: DPO },
      })
      .thenThrows('CUSTOMER.FIELD_INVALID');
  });

  it('refuses every later command with CUSTOMER.ERASED', () => {
    const after = [...registered, erased];
    spec
      .given(after)
      .when({
        type: 'UpdateCustomerProfile',
        data: {
          customerId: CUSTOMER_ID,
          changes: { phone: '13900001111' },
          occurredAt: T1,
          actorId: SALES_REP,
        },
      })
      .thenThrows('CUSTOMER.ERASED');
    spec
      .given(after)
      .when({
        type: 'TransferCustomerOwnership',
        data: { customerId: CUSTOMER_ID, ownerId: 'rep-2', occurredAt: T1, actorId: SALES_REP },
      })
      .thenThrows('CUSTOMER.ERASED');
    spec.given(after).when(aGrantConsent()).thenThrows('CUSTOMER.ERASED');
  });
});
