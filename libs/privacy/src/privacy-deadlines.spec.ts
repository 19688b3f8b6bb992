import { addPeriod } from './privacy-deadlines';

describe(addPeriod.name, () => {
  it('adds days of 24 hours', () => {
    expect(addPeriod('2026-03-10T09:00:00.000Z', { days: 15 })).toBe('2026-03-25T09:00:00.000Z');
  });

  it('adds calendar months, clamping to the last day of a shorter month', () => {
    expect(addPeriod('2026-01-15T00:00:00.000Z', { months: 1 })).toBe('2026-02-15T00:00:00.000Z');
    expect(addPeriod('2026-01-31T00:00:00.000Z', { months: 1 })).toBe('2026-02-28T00:00:00.000Z');
    expect(addPeriod('2028-01-31T00:00:00.000Z', { months: 1 })).toBe('2028-02-29T00:00:00.000Z');
    expect(addPeriod('2026-12-31T12:00:00.000Z', { months: 2 })).toBe('2027-02-28T12:00:00.000Z');
  });
});
