import { join } from 'node:path';
import { defaultCatalogFiles, loadPurposeCatalog, type PurposeCatalog } from '@custodia/consent';
import type { Position, RecordedEvent } from '@custodia/event-store';
import { ROLES } from '@custodia/identity';
import { actorAsOf, customerAsOf } from './exposure-replay';
import { exposureOfUser, type UserExposure } from './exposure.policy';

const C = '0b8c2b4e-5a43-4d52-9a8e-0c1f2d3e4f50';
const T = (minute: number): string => new Date(Date.UTC(2026, 5, 1, 0, minute)).toISOString();

let sequence = 0;
const event = (streamId: string, type: string, data: object, now: string): RecordedEvent => {
  sequence += 1;
  return {
    id: `00000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`,
    streamId,
    type,
    revision: sequence,
    position: String(sequence) as Position,
    data: data as Record<string, unknown>,
    metadata: { actorId: 'root', now },
    // Recorded later than decided: "as of" goes by the decision's clock.
    recordedAt: new Date(Date.parse(now) + 30_000),
  };
};

const user = (userId: string, roles: string[], team: string | null, at = T(0)) =>
  event(`User-${userId}`, 'UserRegistered', { userId, displayName: 'x', roles, team }, at);

const users: Record<string, RecordedEvent[]> = {
  'rep.east': [user('rep.east', ['sales'], 'east')],
  'rep.north': [
    user('rep.north', ['sales'], 'north'),
    event(
      'User-rep.north',
      'UserOffboardingNoticeGiven',
      { userId: 'rep.north', effectiveAt: T(28) },
      T(22),
    ),
  ],
  'mgr.north': [user('mgr.north', ['sales_manager'], 'north')],
  'mgr.east': [user('mgr.east', ['sales_manager'], 'east')],
  dpo: [user('dpo', ['dpo'], null)],
  aud: [user('aud', ['auditor'], null)],
  fin: [user('fin', ['finance'], null)],
  late: [user('late', ['admin'], null, T(25))],
};

const customer: RecordedEvent[] = [
  event(
    `Customer-${C}`,
    'CustomerRegistered',
    { customerId: C, name: { $enc: 1 }, phone: { $enc: 1 }, ownerId: 'rep.east', team: 'east' },
    T(1),
  ),
  event(
    `Customer-${C}`,
    'ConsentGranted',
    { customerId: C, purpose: 'sales_followup', separate: false, grantedAt: T(1) },
    T(1),
  ),
  event(
    `Customer-${C}`,
    'CustomerOwnerChanged',
    { customerId: C, ownerId: 'rep.north', team: 'north', previousOwnerId: 'rep.east' },
    T(20),
  ),
  event(`Customer-${C}`, 'ConsentWithdrawn', { customerId: C, purpose: 'sales_followup' }, T(30)),
  event(`Customer-${C}`, 'CustomerErased', { customerId: C, erasedAt: T(50) }, T(50)),
];

describe(exposureOfUser.name, () => {
  let catalog: PurposeCatalog;

  const exposureAt = (minute: number): UserExposure[] => {
    const at = new Date(T(minute));
    const facts = customerAsOf(C, customer, at);
    return Object.values(users).flatMap((events) => {
      const actor = actorAsOf(events, at);
      const exposure = actor === undefined ? undefined : exposureOfUser(actor, facts, catalog);
      return exposure === undefined ? [] : [exposure];
    });
  };
  const summary = (minute: number): string[] =>
    exposureAt(minute).map(
      (exposure) =>
        `${exposure.userId}: ${exposure.purposes.map((purpose) => purpose.purpose).join(',')}`,
    );

  beforeAll(async () => {
    catalog = await loadPurposeCatalog(defaultCatalogFiles(join(__dirname, '../../../..')), {
      knownRoles: ROLES,
    });
  });

  it('sees nobody before the customer is registered', () => {
    expect(exposureAt(0)).toEqual([]);
  });

  it("shows the owner's rep and team masked, with what they may reveal, as the live policy does", () => {
    expect(summary(10)).toEqual([
      'rep.east: sales_followup',
      'mgr.east: customer_administration,sales_followup',
      'dpo: privacy_rights',
    ]);
    const [rep] = exposureAt(10);
    expect(rep).toMatchObject({ roles: ['sales'], team: 'east', underNotice: false });
    expect(rep?.purposes[0]).toMatchObject({
      fields: {
        name: 'masked',
        phone: 'masked',
        email: 'masked',
        wechat: 'masked',
        address: 'hidden',
        idNumber: 'hidden',
        company: 'clear',
        followUpNotes: 'clear',
      },
      mayReveal: ['name', 'phone', 'email', 'wechat'],
      mayExport: true,
    });
  });

  it('follows an ownership change, a user registered later, a notice and a withdrawal', () => {
    expect(summary(21)).toEqual([
      'rep.north: sales_followup',
      'mgr.north: customer_administration,sales_followup',
      'dpo: privacy_rights',
    ]);
    // Under notice from minute 22: still sees, may export no more.
    expect(exposureAt(25).find((exposure) => exposure.userId === 'rep.north')).toMatchObject({
      underNotice: true,
      purposes: [{ purpose: 'sales_followup', mayExport: false }],
    });
    expect(summary(25)).toContain('late: customer_administration');
    // The notice took effect at minute 28: gone, though the consent still stands.
    expect(summary(29)).toEqual([
      'mgr.north: customer_administration,sales_followup',
      'dpo: privacy_rights',
      'late: customer_administration',
    ]);
    // Withdrawn at minute 30: what rested on the consent is gone; legal obligations remain.
    expect(summary(31)).toEqual([
      'mgr.north: customer_administration',
      'dpo: privacy_rights',
      'late: customer_administration',
    ]);
  });

  it('sees nobody once the customer is erased, and still knows owner and bases before', () => {
    expect(exposureAt(55)).toEqual([]);
    const erased = customerAsOf(C, customer, new Date(T(55)));
    expect(erased).toMatchObject({ erasedAt: T(50), ownerId: 'rep.north', fieldsHeld: [] });
    expect(customerAsOf(C, customer, new Date(T(10))).fieldsHeld).toEqual(['name', 'phone']);
  });
});
