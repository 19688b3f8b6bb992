import { parseIsoDuration, type Purpose, type PurposeCatalog } from '@custodia/consent';
import { type RetentionBasis, type RetentionSubject, retentionDue } from './retention';

const purpose = (id: string, retention: string, overrides: Partial<Purpose> = {}): Purpose => ({
  id,
  description: id,
  lawfulBasis: 'consent',
  jurisdictions: ['PIPL', 'GDPR'],
  fields: ['name'],
  roles: ['sales'],
  retention,
  retentionPeriod: parseIsoDuration(retention)!,
  requiresSeparateConsent: false,
  everyCustomer: false,
  ...overrides,
});

const catalog: PurposeCatalog = {
  purposes: new Map(
    [
      purpose('sales_followup', 'P2Y'),
      purpose('marketing', 'P1Y'),
      purpose('privacy_rights', 'P3Y', { lawfulBasis: 'legal_obligation', everyCustomer: true }),
    ].map((p) => [p.id, p]),
  ),
  notices: new Map(),
};

/** A fake clock: time only moves when the test says so. */
const fakeClock = (start: string) => {
  let current = new Date(start);
  return {
    now: () => current,
    set: (instant: string) => (current = new Date(instant)),
  };
};

const subject = (
  bases: readonly RetentionBasis[],
  lastFollowUps: Record<string, string> = {},
  erased = false,
): RetentionSubject => ({ erased, bases, lastFollowUps: new Map(Object.entries(lastFollowUps)) });

const GRANTED = '2026-01-15T09:00:00.000Z';

describe(retentionDue.name, () => {
  it('keeps an active basis until its retention period has run from its start', () => {
    const clock = fakeClock('2028-01-15T08:59:59.999Z');
    const sut = subject([{ purpose: 'sales_followup', since: GRANTED }]);

    expect(retentionDue(sut, catalog, clock.now())).toEqual({
      due: false,
      keptUntil: '2028-01-15T09:00:00.000Z',
    });
    clock.set('2028-01-15T09:00:00.000Z');
    expect(retentionDue(sut, catalog, clock.now())).toEqual({
      due: true,
      reason: 'retention_expired',
      since: '2028-01-15T09:00:00.000Z',
    });
  });

  it('is due at once when the last consent is withdrawn', () => {
    const clock = fakeClock('2026-02-01T00:00:00.000Z');
    const sut = subject([
      { purpose: 'sales_followup', since: GRANTED, endedAt: '2026-01-31T10:00:00.000Z' },
    ]);

    expect(retentionDue(sut, catalog, clock.now())).toEqual({
      due: true,
      reason: 'no_active_basis',
      since: '2026-01-31T10:00:00.000Z',
    });
  });

  it('names the last end when every basis has ended', () => {
    const sut = subject([
      { purpose: 'sales_followup', since: GRANTED, endedAt: '2026-03-01T00:00:00.000Z' },
      { purpose: 'marketing', since: GRANTED, endedAt: '2026-04-01T00:00:00.000Z' },
    ]);

    expect(retentionDue(sut, catalog, new Date('2026-04-02T00:00:00.000Z'))).toMatchObject({
      due: true,
      reason: 'no_active_basis',
      since: '2026-04-01T00:00:00.000Z',
    });
  });

  it('keeps the data under the other basis when one of two has ended', () => {
    const clock = fakeClock('2026-06-01T00:00:00.000Z');
    const sut = subject([
      { purpose: 'sales_followup', since: GRANTED },
      { purpose: 'marketing', since: GRANTED, endedAt: '2026-05-01T00:00:00.000Z' },
    ]);

    expect(retentionDue(sut, catalog, clock.now())).toEqual({
      due: false,
      keptUntil: '2028-01-15T09:00:00.000Z',
    });
    clock.set('2028-01-16T00:00:00.000Z');
    expect(retentionDue(sut, catalog, clock.now())).toMatchObject({
      due: true,
      reason: 'retention_expired',
    });
  });

  it('keeps the data until the longest of several active bases has run', () => {
    const sut = subject([
      { purpose: 'sales_followup', since: GRANTED },
      { purpose: 'marketing', since: GRANTED },
    ]);

    // marketing (P1Y) has expired, sales_followup (P2Y) has not.
    expect(retentionDue(sut, catalog, new Date('2027-06-01T00:00:00.000Z'))).toEqual({
      due: false,
      keptUntil: '2028-01-15T09:00:00.000Z',
    });
  });

  it('counts the period from the last follow-up under the purpose when that is later', () => {
    const clock = fakeClock('2028-02-01T00:00:00.000Z');
    const followedUp = subject([{ purpose: 'sales_followup', since: GRANTED }], {
      sales_followup: '2027-03-10T12:00:00.000Z',
    });

    expect(retentionDue(followedUp, catalog, clock.now())).toEqual({
      due: false,
      keptUntil: '2029-03-10T12:00:00.000Z',
    });
    clock.set('2029-03-10T12:00:00.000Z');
    expect(retentionDue(followedUp, catalog, clock.now())).toMatchObject({
      due: true,
      reason: 'retention_expired',
      since: '2029-03-10T12:00:00.000Z',
    });
  });

  it('ignores a follow-up under another purpose or before the basis began', () => {
    const sut = subject([{ purpose: 'marketing', since: GRANTED }], {
      sales_followup: '2026-12-01T00:00:00.000Z',
      marketing: '2025-12-01T00:00:00.000Z',
    });

    expect(retentionDue(sut, catalog, new Date('2027-01-16T00:00:00.000Z'))).toMatchObject({
      due: true,
      since: '2027-01-15T09:00:00.000Z',
    });
  });

  it('lets neither an every-customer duty nor a purpose gone from the catalog keep data', () => {
    const sut = subject([
      { purpose: 'privacy_rights', since: GRANTED },
      { purpose: 'retired_purpose', since: GRANTED },
    ]);

    expect(retentionDue(sut, catalog, new Date('2026-01-16T00:00:00.000Z'))).toMatchObject({
      due: true,
      reason: 'retention_expired',
      since: GRANTED,
    });
  });

  it('never finds an erased customer due', () => {
    const sut = subject(
      [{ purpose: 'sales_followup', since: GRANTED, endedAt: '2026-01-20T00:00:00.000Z' }],
      {},
      true,
    );

    expect(retentionDue(sut, catalog, new Date('2040-01-01T00:00:00.000Z'))).toEqual({
      due: false,
    });
  });

  it('does not judge a customer with no basis on record (the projection may lag)', () => {
    expect(retentionDue(subject([]), catalog, new Date('2040-01-01T00:00:00.000Z'))).toEqual({
      due: false,
    });
  });
});
