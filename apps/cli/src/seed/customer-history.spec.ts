import { loadPurposeCatalog, type PurposeCatalog } from '@custodia/consent';
import {
  createCustomerDecider,
  isCustomerAggregateEvent,
  isResidentIdNumber,
  type CustomerAggregateEvent,
} from '@custodia/customers';
import { createFollowUpDecider, type CustomerStreamEvent } from '@custodia/follow-ups';
import { ROLES } from '@custodia/identity';
import { CustomerHistoryGenerator } from './customer-history';
import { SeededRandom } from './seeded-random';
import { Staff } from './seed-staff';
import { seedTimeline } from './seed-time';

const timeline = seedTimeline(new Date('2026-11-30T12:00:00Z'));

describe(CustomerHistoryGenerator.name, () => {
  let catalog: PurposeCatalog;
  let staff: Staff;
  let sut: CustomerHistoryGenerator;
  const generate = (index: number, followUps = 8) =>
    sut.generate(index, followUps, new SeededRandom(1, index, 0xc0));

  beforeAll(async () => {
    catalog = await loadPurposeCatalog(undefined, { knownRoles: ROLES });
    staff = new Staff(1, 12);
    sut = new CustomerHistoryGenerator(1, catalog, staff, timeline);
  });

  it('is deterministic: the same index gives the same events, ids and all', () => {
    expect(generate(42)).toEqual(generate(42));
    expect(generate(42).events[0].id).not.toBe(generate(43).events[0].id);
  });

  it('registers first, with consents in the same append, then the requested follow-ups', () => {
    const { events, customer, streamId } = generate(7, 12);
    expect(streamId).toBe(`Customer-${customer.customerId}`);
    expect(events[0].type).toBe('CustomerRegistered');
    expect(events.filter((e) => e.type === 'FollowUpLogged')).toHaveLength(12);
    expect(events.filter((e) => e.type === 'ConsentGranted').length).toBeGreaterThanOrEqual(1);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
  });

  it('writes only events the deciders accept when replayed command by command', () => {
    // Replaying the stream must fold without error and leave every follow-up id logged once.
    const customers = createCustomerDecider(catalog);
    const followUps = createFollowUpDecider(catalog);
    for (let index = 0; index < 200; index++) {
      const { events } = generate(index);
      const stream = events.map((e) => ({ type: e.type, data: e.data }) as CustomerStreamEvent);
      const state = stream
        .filter((e): e is CustomerAggregateEvent => isCustomerAggregateEvent(e))
        .reduce(customers.evolve, customers.initialState());
      expect(state.customer?.ownerId).toMatch(/^seed1-sales-\d{3}$/);
      const followUpState = stream.reduce(followUps.evolve, followUps.initialState());
      expect(followUpState.loggedIds.size).toBe(
        events.filter((e) => e.type === 'FollowUpLogged').length,
      );
    }
  });

  it('spreads realistic profiles, consents and follow-ups over many customers', () => {
    const histories = Array.from({ length: 1_000 }, (_, i) => generate(i));
    const share = (test: (h: (typeof histories)[number]) => boolean) =>
      histories.filter(test).length / histories.length;
    const profile = (h: (typeof histories)[number]) => h.customer.profile;
    expect(share((h) => profile(h).email !== undefined)).toBeCloseTo(0.7, 1);
    expect(share((h) => profile(h).company !== undefined)).toBeCloseTo(0.65, 1);
    expect(share((h) => profile(h).idNumber !== undefined)).toBeGreaterThan(0.04);
    expect(share((h) => profile(h).idNumber !== undefined)).toBeLessThan(0.12);
    for (const h of histories) {
      const { idNumber } = profile(h);
      if (idNumber !== undefined) expect(isResidentIdNumber(idNumber, '2026-11-30')).toBe(true);
    }
    // Sensitive fields only under a separate consent; an address only under the service contract.
    for (const h of histories) {
      const purposes = h.activeBases.map((b) => b.purpose);
      if (profile(h).idNumber !== undefined) {
        expect(h.activeBases.find((b) => b.purpose === 'credit_assessment')?.separate).toBe(true);
      }
      if (profile(h).address !== undefined) expect(purposes).toContain('service');
    }
    const followUps = histories.flatMap((h) => h.events.filter((e) => e.type === 'FollowUpLogged'));
    const next = followUps.map((e) => e.data.nextFollowUpAt).filter((v) => typeof v === 'string');
    const future = next.filter((at) => Date.parse(at) > timeline.asOf).length;
    expect(future / next.length).toBeGreaterThan(0.02);
    expect(future / next.length).toBeLessThan(0.5);
    const channels = new Set(followUps.map((e) => e.data.channel));
    expect([...channels].sort()).toEqual(['call', 'email', 'meeting', 'visit', 'wechat']);
    expect(new Set(followUps.map((e) => e.data.orderStatus)).size).toBeGreaterThan(4);
    expect(new Set(histories.map((h) => h.customer.ownerId)).size).toBe(12);
    expect(new Set(histories.map((h) => h.customer.team)).size).toBe(4);
  });

  it('keeps every time inside the history and follow-ups after the registration', () => {
    for (let index = 0; index < 100; index++) {
      const { events, customer } = generate(index);
      expect(customer.registeredAt).toBeGreaterThanOrEqual(timeline.registrationFrom);
      for (const event of events.filter((e) => e.type === 'FollowUpLogged')) {
        const at = Date.parse(event.data.occurredAt as string);
        expect(at).toBeGreaterThan(customer.registeredAt);
        expect(at).toBeLessThanOrEqual(timeline.asOf);
      }
    }
  });
});
