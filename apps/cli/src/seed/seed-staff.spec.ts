import { ROLES, USER_ID_PATTERN, userDecider } from '@custodia/identity';
import { SeededRandom } from './seeded-random';
import { SEED_TEAMS, Staff } from './seed-staff';

describe(Staff.name, () => {
  const sut = new Staff(5, 20);

  it('has reps in every team, a manager per team, finance, an auditor, a DPO and an admin', () => {
    const withRole = (role: (typeof ROLES)[number]) => sut.withRole(role).length;
    expect(withRole('sales')).toBe(20);
    expect(withRole('sales_manager')).toBe(SEED_TEAMS.length);
    expect(withRole('finance')).toBe(2);
    expect([withRole('auditor'), withRole('dpo'), withRole('admin')]).toEqual([1, 1, 1]);
    expect(new Set(sut.reps.map((rep) => rep.team))).toEqual(new Set(SEED_TEAMS));
    for (const member of sut.members) expect(member.userId).toMatch(USER_ID_PATTERN);
  });

  it('registers each user through the identity decider, in its own User-<id> stream', () => {
    const registrations = sut.registrations('2025-06-01T00:00:00.000Z');
    expect(registrations).toHaveLength(sut.members.length);
    registrations.forEach(({ streamId, events }, index) => {
      expect(events.map((e) => e.type)).toEqual(['UserRegistered']);
      const member = sut.members[index];
      expect(streamId).toBe(`User-${member.userId}`);
      const state = userDecider.evolve(userDecider.initialState(), events[0] as never);
      expect(state).toMatchObject({
        userId: member.userId,
        roles: member.roles,
        team: member.team,
      });
    });
    expect(sut.registrations('2025-06-01T00:00:00.000Z')).toEqual(registrations);
  });

  it('registers a user identically whatever the number of reps, so runs with another --reps agree', () => {
    const at = '2025-06-01T00:00:00.000Z';
    const small = new Staff(5, 8).registrations(at);
    const large = new Map(sut.registrations(at).map((r) => [r.streamId, r]));
    for (const registration of small)
      expect(large.get(registration.streamId)).toEqual(registration);
  });

  it('spreads owners over every rep, some carrying more than others', () => {
    const random = new SeededRandom(1);
    const counts = new Map<string, number>();
    for (let i = 0; i < 20_000; i++) {
      const { userId } = sut.ownerOf(i, random);
      counts.set(userId, (counts.get(userId) ?? 0) + 1);
    }
    expect(counts.size).toBe(20);
    const sorted = [...counts.values()].sort((a, b) => a - b);
    expect(sorted[19] / sorted[0]).toBeGreaterThan(1.5);
  });

  it('sizes the team from the customer count', () => {
    expect(Staff.defaultRepCount(200)).toBe(8);
    expect(Staff.defaultRepCount(100_000)).toBe(100);
    expect(Staff.defaultRepCount(1_000_000)).toBe(400);
  });
});
