import { assertValidProjections, handlesEvent, type Projection } from './projection';

const projection = (overrides: Partial<Projection> = {}): Projection => ({
  name: 'customer-list',
  version: 1,
  handles: ['CustomerRegistered'],
  apply: () => Promise.resolve(),
  reset: () => Promise.resolve(),
  ...overrides,
});

describe(assertValidProjections.name, () => {
  it('accepts distinct, well-formed projections', () => {
    expect(() =>
      assertValidProjections([
        projection(),
        projection({ name: 'stream-summary', handles: 'all' }),
      ]),
    ).not.toThrow();
  });

  it.each([
    ['a name that is not kebab-case', { name: 'CustomerList' }, 'must be kebab-case'],
    ['an empty name', { name: '' }, 'must be kebab-case'],
    ['a zero version', { version: 0 }, 'version must be a positive integer'],
    ['a fractional version', { version: 1.5 }, 'version must be a positive integer'],
    ['no event types', { handles: [] }, 'handles must list at least one event type'],
  ])('refuses %s', (_case, overrides: Partial<Projection>, message) => {
    let thrown: unknown;
    try {
      assertValidProjections([projection(overrides)]);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: 'READ_STORE.INVALID_PROJECTION' });
    expect((thrown as Error).message).toContain(message);
  });

  it('refuses the same name twice', () => {
    expect(() => assertValidProjections([projection(), projection()])).toThrow(
      'projection "customer-list" is registered twice',
    );
  });
});

describe(handlesEvent.name, () => {
  it('matches listed types only, or everything for "all"', () => {
    expect(handlesEvent(projection(), 'CustomerRegistered')).toBe(true);
    expect(handlesEvent(projection(), 'ConsentGranted')).toBe(false);
    expect(handlesEvent(projection({ handles: 'all' }), 'ConsentGranted')).toBe(true);
  });
});
