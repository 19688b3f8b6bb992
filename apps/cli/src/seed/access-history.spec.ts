import { accessEventTypes } from '@custodia/access';
import { loadPurposeCatalog } from '@custodia/consent';
import { ROLES } from '@custodia/identity';
import { AccessHistoryGenerator } from './access-history';
import { CustomerHistoryGenerator } from './customer-history';
import { SeededRandom } from './seeded-random';
import { Staff } from './seed-staff';
import { seedTimeline } from './seed-time';

describe(AccessHistoryGenerator.name, () => {
  it('writes views, reveals, exports and denials in the recorder shapes, as decided by the policy', async () => {
    const catalog = await loadPurposeCatalog(undefined, { knownRoles: ROLES });
    const timeline = seedTimeline(new Date('2026-11-30T00:00:00Z'));
    const staff = new Staff(1, 8);
    const customers = new CustomerHistoryGenerator(1, catalog, staff, timeline);
    const sut = new AccessHistoryGenerator(1, catalog, staff, timeline.asOf);

    const events = Array.from({ length: 500 }, (_, index) => {
      const history = customers.generate(index, 3, new SeededRandom(1, index));
      const generated = sut.generate(
        history.customer,
        history.activeBases,
        4,
        new SeededRandom(2, index),
      );
      for (const event of generated) {
        const data = event.data;
        // What the recorder writes: ids only in the metadata, the request id as correlation.
        expect(event.metadata).toEqual({ actorId: data.actorId, correlationId: data.requestId });
        const at = Date.parse(
          (data.accessedAt ?? data.revealedAt ?? data.exportedAt ?? data.deniedAt) as string,
        );
        expect(at).toBeGreaterThan(history.customer.registeredAt);
        expect(at).toBeLessThanOrEqual(timeline.asOf);
      }
      return generated;
    }).flat();

    expect(events).toHaveLength(2_000);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    const types = new Set(events.map((e) => e.type));
    expect([...types].sort()).toEqual([...accessEventTypes].sort());
    const count = (type: string) => events.filter((e) => e.type === type).length;
    expect(count('CustomerDataAccessed') / events.length).toBeGreaterThan(0.6);
    expect(count('PersonalDataRevealed') / events.length).toBeGreaterThan(0.05);
    expect(count('AccessDenied') / events.length).toBeLessThan(0.15);
    for (const event of events.filter((e) => e.type === 'AccessDenied')) {
      expect(['OUT_OF_SCOPE', 'PURPOSE_NOT_ALLOWED_FOR_ROLE']).toContain(event.data.reason);
    }
    for (const event of events.filter((e) => e.type === 'PersonalDataRevealed')) {
      expect(typeof event.data.reason).toBe('string');
      expect((event.data.fields as string[]).length).toBeGreaterThan(0);
    }
    // A rep's read shows contact fields masked: the policy's field views.
    const view = events.find(
      (e) => e.type === 'CustomerDataAccessed' && (e.data.roles as string[]).includes('sales'),
    );
    expect(view?.data.fields).toContainEqual({ field: 'phone', view: 'masked' });
  });
});
