import {
  aConsentGranted,
  aConsentWithdrawn,
  aCustomerRegistered,
  aGrantConsent,
  aLawfulBasisRecorded,
  anIdNumber,
  aProfile,
  aPurposeCatalog,
  aWithdrawConsent,
  CUSTOMER_ID,
  deciderSpec,
  SALES_REP,
  T1,
  TEAM,
} from '@custodia/testing';
import type { CustomerProfile, ProfileField, ProfilePatch } from './customer-profile';
import type { CustomerEvent, CustomerProfileUpdated } from './customer.events';
import type { CustomerAggregateCommand } from './customer.decider';
import { createCustomerDecider } from './customer.decider';

const spec = deciderSpec(createCustomerDecider(aPurposeCatalog()));
const registered = [aCustomerRegistered(), aConsentGranted()];

const patch = (changes: ProfilePatch, customerId = CUSTOMER_ID): CustomerAggregateCommand => ({
  type: 'UpdateCustomerProfile',
  data: { customerId, changes, occurredAt: T1, actorId: SALES_REP },
});
const updated = (
  data: Partial<CustomerProfile>,
  removed: ProfileField[] = [],
): CustomerProfileUpdated => ({
  type: 'CustomerProfileUpdated',
  data: { customerId: CUSTOMER_ID, ...data, removed, updatedAt: T1, actorId: SALES_REP },
});

describe('UpdateCustomerProfile', () => {
  it('records only the fields that change (PATCH semantics)', () => {
    spec
      .given(registered)
      .when(patch({ phone: '13900001111', email: aProfile().email }))
      .then([updated({ phone: '13900001111' })]);
  });

  it('removes a field with null, without needing a purpose, and ignores absent ones', () => {
    spec
      .given([...registered, aConsentWithdrawn({ withdrawnAt: T1 })])
      .when(patch({ wechat: null, address: null }))
      .then([updated({}, ['wechat'])]);
  });

  it('records nothing when nothing changes', () => {
    spec
      .given(registered)
      .when(patch({ phone: aProfile().phone, address: null }))
      .then([]);
    spec.given(registered).when(patch({})).then([]);
  });

  it('sees earlier updates: a field set before can be removed, a removed one set again', () => {
    const history = [...registered, updated({}, ['email'])];
    spec
      .given(history)
      .when(patch({ email: null }))
      .then([]);
    spec
      .given(history)
      .when(patch({ email: 'zhang.wei@example.com' }))
      .then([updated({ email: 'zhang.wei@example.com' })]);
  });

  it('refuses a field no active purpose covers, also after the consent was withdrawn', () => {
    spec
      .given(registered)
      .when(patch({ address: '上海市' }))
      .thenThrows('CUSTOMER.FIELD_NOT_COVERED');
    spec
      .given([...registered, aConsentWithdrawn()])
      .when(patch({ phone: '13900001111' }))
      .thenThrows('CUSTOMER.FIELD_NOT_COVERED');
    spec
      .given([...registered, aLawfulBasisRecorded()])
      .when(patch({ address: '上海市' }))
      .then([updated({ address: '上海市' })]);
  });

  it('refuses a sensitive field without a separate consent', () => {
    spec
      .given(registered)
      .when(patch({ idNumber: anIdNumber() }))
      .thenThrows('CUSTOMER.SEPARATE_CONSENT_REQUIRED');
    spec
      .given([...registered, aConsentGranted({ purpose: 'credit_assessment' })])
      .when(patch({ idNumber: anIdNumber() }))
      .then([updated({ idNumber: anIdNumber() })]);
  });

  it('refuses removing a required field, an invalid value and an unknown field', () => {
    spec
      .given(registered)
      .when(patch({ name: null }))
      .thenThrows('CUSTOMER.FIELD_REQUIRED');
    spec
      .given(registered)
      .when(patch({ phone: '110' }))
      .thenThrows('CUSTOMER.FIELD_INVALID');
    spec
      .given(registered)
      .when(patch({ hobby: 'golf' } as ProfilePatch))
      .thenThrows('CUSTOMER.FIELD_UNKNOWN');
    spec
      .given(registered)
      .when(patch(null as unknown as ProfilePatch))
      .thenThrows('CUSTOMER.FIELD_INVALID');
  });

  it('refuses an unknown customer, or a command for another customer', () => {
    spec
      .given([])
      .when(patch({ phone: '13900001111' }))
      .thenThrows('CUSTOMER.NOT_FOUND');
    spec
      .given(registered)
      .when(patch({ phone: '13900001111' }, 'someone-else'))
      .thenThrows('CUSTOMER.FIELD_INVALID');
  });
});

describe('TransferCustomerOwnership', () => {
  const transfer = (ownerId: string, team?: string): CustomerAggregateCommand => ({
    type: 'TransferCustomerOwnership',
    data: {
      customerId: CUSTOMER_ID,
      ownerId,
      ...(team === undefined ? {} : { team }),
      occurredAt: T1,
      actorId: 'user-manager-1',
    },
  });
  const changed = (ownerId: string, team: string, previousOwnerId = SALES_REP): CustomerEvent => ({
    type: 'CustomerOwnerChanged',
    data: {
      customerId: CUSTOMER_ID,
      previousOwnerId,
      ownerId,
      previousTeam: TEAM,
      team,
      changedAt: T1,
      actorId: 'user-manager-1',
    },
  });

  it('hands the customer over, in the same team unless another is named', () => {
    spec
      .given(registered)
      .when(transfer('user-sales-2'))
      .then([changed('user-sales-2', TEAM)]);
    spec
      .given(registered)
      .when(transfer('user-sales-3', 'team-west'))
      .then([changed('user-sales-3', 'team-west')]);
  });

  it('records nothing when handing over to the current owner, and follows earlier handovers', () => {
    spec.given(registered).when(transfer(SALES_REP)).then([]);
    spec
      .given([...registered, changed('user-sales-2', TEAM)])
      .when(transfer('user-sales-2'))
      .then([]);
    spec
      .given([...registered, changed('user-sales-2', TEAM)])
      .when(transfer(SALES_REP))
      .then([changed(SALES_REP, TEAM, 'user-sales-2')]);
  });

  it('refuses an unknown customer and an empty owner', () => {
    spec.given([]).when(transfer('user-sales-2')).thenThrows('CUSTOMER.NOT_FOUND');
    spec.given(registered).when(transfer('')).thenThrows('CUSTOMER.FIELD_INVALID');
    spec.given(registered).when(transfer('user-sales-2', '')).thenThrows('CUSTOMER.FIELD_INVALID');
  });
});

describe('consent commands on the customer', () => {
  it('grants and withdraws consent for a registered customer', () => {
    spec
      .given(registered)
      .when(aGrantConsent({ purpose: 'marketing', grantedAt: T1 }))
      .then([aConsentGranted({ purpose: 'marketing', grantedAt: T1 })]);
    spec.given(registered).when(aWithdrawConsent()).then([aConsentWithdrawn()]);
  });

  it('refuses consent commands for an unknown customer or another customer', () => {
    spec.given([]).when(aGrantConsent()).thenThrows('CUSTOMER.NOT_FOUND');
    spec.given([aConsentGranted()]).when(aWithdrawConsent()).thenThrows('CUSTOMER.NOT_FOUND');
    spec
      .given(registered)
      .when(aGrantConsent({ customerId: 'someone-else' }))
      .thenThrows('CUSTOMER.FIELD_INVALID');
  });

  it('applies the consent rules once the customer is known', () => {
    spec
      .given(registered)
      .when(aWithdrawConsent({ purpose: 'marketing' }))
      .thenThrows('CONSENT.NOT_GRANTED');
  });
});
