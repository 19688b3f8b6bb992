import {
  aConsentGranted,
  aConsentWithdrawn,
  aCustomerRegistered,
  aFollowUpLogged,
  aLawfulBasisRecorded,
  aLogFollowUp,
  aPurposeCatalog,
  CUSTOMER_ID,
  deciderSpec,
  SALES_REP,
  T0,
  T1,
  T2,
} from '@custodia/testing';
import type { FollowUpCommand } from './follow-up.commands';
import { createFollowUpDecider } from './follow-up.decider';
import type { CustomerStreamEvent } from './follow-up.events';

const sut = createFollowUpDecider(aPurposeCatalog());
const spec = deciderSpec(sut);
const consented: CustomerStreamEvent[] = [aCustomerRegistered(), aConsentGranted()];

const refusalOf = (command: FollowUpCommand, history = consented): Error => {
  try {
    sut.decide(command, history.reduce(sut.evolve, sut.initialState()));
  } catch (error) {
    return error as Error;
  }
  throw new Error('the command was accepted');
};

describe(createFollowUpDecider.name, () => {
  it('refuses a follow-up for an erased customer, consent or not', () => {
    const erased: CustomerStreamEvent = {
      type: 'CustomerErased',
      data: { customerId: CUSTOMER_ID, requestId: 'request-1', erasedAt: T1, actorId: 'dpo-1' },
    };
    spec
      .given([...consented, erased])
      .when(aLogFollowUp())
      .thenThrows('FOLLOW_UP.CUSTOMER_ERASED');
  });

  it('logs a follow-up under an active consent, with every part', () => {
    const full = {
      nextStep: '发送报价单\n并约见面',
      nextFollowUpAt: T2,
      products: ['年度套餐', '培训服务'],
      quote: { amount: 12_800.5, currency: 'CNY' },
      orderStatus: 'quoted' as const,
      channel: 'wechat' as const,
    };
    spec
      .given(consented)
      .when(aLogFollowUp(full))
      .then([aFollowUpLogged(full)]);
    spec.given(consented).when(aLogFollowUp()).then([aFollowUpLogged()]);
  });

  it('logs under a contract basis when the purpose lists the notes', () => {
    const service = { purpose: 'service', channel: 'visit' as const };
    spec
      .given([aCustomerRegistered(), aLawfulBasisRecorded()])
      .when(aLogFollowUp(service))
      .then([aFollowUpLogged(service)]);
  });

  it('logs an interaction that happened earlier, while the consent was already active', () => {
    spec
      .given(consented)
      .when(aLogFollowUp({ occurredAt: T0, recordedAt: T2 }))
      .then([aFollowUpLogged({ occurredAt: T0, recordedAt: T2 })]);
  });

  it('refuses once the consent is withdrawn, even for an interaction before the withdrawal', () => {
    const withdrawn = [...consented, aConsentWithdrawn({ withdrawnAt: T2 })];
    spec.given(withdrawn).when(aLogFollowUp()).thenThrows('FOLLOW_UP.PURPOSE_NOT_ACTIVE');
    expect(refusalOf(aLogFollowUp(), withdrawn).message).toBe(
      'purpose: sales_followup has no active consent for this customer',
    );
  });

  it('refuses an interaction from before the consent was given', () => {
    const late = [aCustomerRegistered(), aConsentGranted({ grantedAt: T2 })];
    spec
      .given(late)
      .when(aLogFollowUp({ occurredAt: T1, recordedAt: T2 }))
      .thenThrows('FOLLOW_UP.PURPOSE_NOT_ACTIVE');
  });

  it('refuses a purpose never granted, an unknown one, and an ended lawful basis', () => {
    spec
      .given(consented)
      .when(aLogFollowUp({ purpose: 'service' }))
      .thenThrows('FOLLOW_UP.PURPOSE_NOT_ACTIVE');
    spec
      .given(consented)
      .when(aLogFollowUp({ purpose: 'astrology' }))
      .thenThrows('FOLLOW_UP.PURPOSE_UNKNOWN');
    const ended: CustomerStreamEvent = {
      type: 'LawfulBasisEnded',
      data: { customerId: CUSTOMER_ID, purpose: 'service', endedAt: T1, actorId: SALES_REP },
    };
    spec
      .given([aCustomerRegistered(), aLawfulBasisRecorded(), ended])
      .when(aLogFollowUp({ purpose: 'service', recordedAt: T2 }))
      .thenThrows('FOLLOW_UP.PURPOSE_NOT_ACTIVE');
  });

  it('refuses parts the purpose does not list (use beyond purpose), naming the part', () => {
    const marketing = [...consented, aConsentGranted({ purpose: 'marketing' })];
    spec
      .given(marketing)
      .when(aLogFollowUp({ purpose: 'marketing' }))
      .thenThrows('FOLLOW_UP.FIELD_NOT_COVERED');
    const service = [aCustomerRegistered(), aLawfulBasisRecorded()];
    const quoted = aLogFollowUp({ purpose: 'service', quote: { amount: 1, currency: 'CNY' } });
    spec.given(service).when(quoted).thenThrows('FOLLOW_UP.FIELD_NOT_COVERED');
    expect(refusalOf(quoted, service).message).toBe(
      'quote: stores quote, which purpose service does not list (use beyond purpose, PIPL art. 6)',
    );
  });

  it('refuses an unknown customer, another customer, and a follow-up id logged before', () => {
    spec.given([]).when(aLogFollowUp()).thenThrows('FOLLOW_UP.CUSTOMER_NOT_FOUND');
    spec
      .given(consented)
      .when(aLogFollowUp({ customerId: 'someone-else' }))
      .thenThrows('FOLLOW_UP.FIELD_INVALID');
    spec
      .given([...consented, aFollowUpLogged()])
      .when(aLogFollowUp({ summary: '另一次通话' }))
      .thenThrows('FOLLOW_UP.ALREADY_LOGGED');
  });

  it.each<[string, Record<string, unknown>]>([
    ['channel', { channel: 'fax' }],
    ['summary', { summary: '' }],
    ['summary', { summary: '   ' }],
    ['summary', { summary: '很'.repeat(2001) }],
    ['summary', { summary: '客户\u0007说' }],
    ['nextStep', { nextStep: '' }],
    ['nextFollowUpAt', { nextFollowUpAt: T1 }],
    ['nextFollowUpAt', { nextFollowUpAt: 'next week' }],
    ['products', { products: [] }],
    ['products', { products: ['A', 'A'] }],
    ['products', { products: ['A\nB'] }],
    ['quote.amount', { quote: { amount: 0.001, currency: 'CNY' } }],
    ['quote.amount', { quote: { amount: -1, currency: 'CNY' } }],
    ['quote.currency', { quote: { amount: 1, currency: 'cny' } }],
    ['orderStatus', { orderStatus: 'maybe' }],
    ['occurredAt', { occurredAt: T2 }],
    ['occurredAt', { occurredAt: '2025-06-02' }],
    ['recordedAt', { recordedAt: undefined }],
    ['followUpId', { followUpId: '' }],
    ['actorId', { actorId: undefined }],
  ])('refuses an invalid %s', (field, change) => {
    const command = aLogFollowUp(change);
    spec.given(consented).when(command).thenThrows('FOLLOW_UP.FIELD_INVALID');
    expect(refusalOf(command)).toMatchObject({ field });
  });

  it('accepts two-decimal amounts that binary floating point cannot hold exactly', () => {
    const quote = { quote: { amount: 0.29, currency: 'CNY' } };
    spec
      .given(consented)
      .when(aLogFollowUp(quote))
      .then([aFollowUpLogged(quote)]);
  });

  it('stores only the known parts of the command', () => {
    const command = aLogFollowUp();
    const stray = { ...command, data: { ...command.data, idNumber: '11010519491231002X' } };
    spec.given(consented).when(stray).then([aFollowUpLogged()]);
  });

  it('never echoes the summary in a refusal', () => {
    const summary = `客户身份证 11010519491231002X ${'。'.repeat(2000)}`;
    expect(refusalOf(aLogFollowUp({ summary })).message).not.toContain('11010519491231002X');
  });
});
