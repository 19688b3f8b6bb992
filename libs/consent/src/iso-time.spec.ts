import fc from 'fast-check';
import { addIsoDuration, isIsoInstant, parseIsoDuration } from './iso-time';

describe(isIsoInstant.name, () => {
  it.each(['2025-06-01T08:30:00Z', '2025-06-01T08:30Z', '2024-02-29T23:59:59.999+08:00'])(
    'accepts %s',
    (value) => expect(isIsoInstant(value)).toBe(true),
  );

  it.each([
    '2025-02-30T00:00:00Z',
    '2025-13-01T00:00:00Z',
    '2025-06-01T24:00:00Z',
    '2025-06-01T08:30:00',
    '2025-06-01',
    'yesterday',
    1_717_200_000_000,
    undefined,
  ])('refuses %p', (value) => expect(isIsoInstant(value)).toBe(false));

  it('accepts whatever Date#toISOString produces', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true }), (date) =>
        isIsoInstant(date.toISOString()),
      ),
    );
  });
});

describe(parseIsoDuration.name, () => {
  it('parses date-based durations', () => {
    expect(parseIsoDuration('P2Y')).toEqual({ years: 2, months: 0, weeks: 0, days: 0 });
    expect(parseIsoDuration('P1Y6M2W3D')).toEqual({ years: 1, months: 6, weeks: 2, days: 3 });
  });

  it.each(['P', 'P0Y', 'PT1H', 'P1.5Y', '2Y', 'p2y', '', 'P-1Y', 42])('refuses %p', (value) =>
    expect(parseIsoDuration(value)).toBeUndefined(),
  );
});

describe(addIsoDuration.name, () => {
  it('adds calendar years, months, weeks and days in UTC', () => {
    const add = (instant: string, duration: string) =>
      addIsoDuration(
        instant,
        parseIsoDuration(duration) ?? { years: 0, months: 0, weeks: 0, days: 0 },
      );
    expect(add('2025-06-01T08:00:00Z', 'P2Y')).toBe('2027-06-01T08:00:00.000Z');
    expect(add('2025-01-31T00:00:00Z', 'P1M')).toBe('2025-02-28T00:00:00.000Z');
    expect(add('2024-02-29T00:00:00Z', 'P1Y')).toBe('2025-02-28T00:00:00.000Z');
    expect(add('2025-12-15T00:00:00Z', 'P18M')).toBe('2027-06-15T00:00:00.000Z');
    expect(add('2025-06-01T00:00:00+08:00', 'P1W3D')).toBe('2025-06-10T16:00:00.000Z');
  });
});
