import { CryptoShreddingError } from './crypto-shredding.errors';
import { PersonalDataRegistry } from './personal-data.registry';

describe(PersonalDataRegistry.name, () => {
  let sut: PersonalDataRegistry;

  beforeEach(() => {
    sut = new PersonalDataRegistry();
  });

  it('registers a context’s map; types without personal fields need no key', () => {
    sut.registerAll({
      CustomerRegistered: { subject: 'customerId', fields: ['name', 'phone'] },
      CustomerOwnerChanged: { subject: 'customerId', fields: [] },
    });
    expect(sut.eventTypes).toEqual(['CustomerRegistered']);
    const declared = sut.get('CustomerRegistered');
    expect(declared?.fields.map((path) => path.text)).toEqual(['name', 'phone']);
    expect(declared?.subjectOf({ customerId: 'c-1' })).toBe('c-1');
    expect(declared?.subjectOf({ customerId: '' })).toBeUndefined();
    expect(declared?.subjectOf({ customerId: 42 })).toBeUndefined();
    expect(sut.get('CustomerOwnerChanged')).toBeUndefined();
  });

  it('takes the subject as a function of the data', () => {
    sut.register<{ customer: { id: string } }>('Noted', {
      subject: (data) => data.customer.id,
      fields: ['note'],
    });
    expect(sut.get('Noted')?.subjectOf({ customer: { id: 'c-2' } })).toBe('c-2');
  });

  it.each([
    [
      'a type twice',
      () =>
        sut.register('A', { subject: 's', fields: [] }).register('A', { subject: 's', fields: [] }),
    ],
    ['a field twice', () => sut.register('A', { subject: 's', fields: ['x', 'x'] })],
    ['the subject as a personal field', () => sut.register('A', { subject: 's', fields: ['s'] })],
    ['a path it cannot follow', () => sut.register('A', { subject: 's', fields: ['list[0].x'] })],
  ])('refuses %s', (_, declare) => {
    expect(declare).toThrow(CryptoShreddingError);
  });
});
