import { CryptoShreddingError } from './crypto-shredding.errors';
import { mapFieldPath, parseFieldPath } from './field-path';

const seen = (data: Record<string, unknown>, path: string): [unknown, string][] => {
  const visits: [unknown, string][] = [];
  mapFieldPath(data, parseFieldPath(path), (value, at) => {
    visits.push([value, at]);
    return value;
  });
  return visits;
};

describe('field paths', () => {
  it('visits a top-level field, a nested one and one in every array element', () => {
    const data = {
      phone: '13800000000',
      address: { street: '建国路', city: '北京' },
      contacts: [{ phone: 'a' }, 'not an object', { phone: 'b' }, { email: 'c' }],
    };
    expect(seen(data, 'phone')).toEqual([['13800000000', 'phone']]);
    expect(seen(data, 'address.street')).toEqual([['建国路', 'address.street']]);
    expect(seen(data, 'contacts[].phone')).toEqual([
      ['a', 'contacts.0.phone'],
      ['b', 'contacts.2.phone'],
    ]);
  });

  it('skips missing, null and mistyped branches', () => {
    const data = { phone: null, address: 'flat', contacts: { phone: 'x' } };
    expect(seen(data, 'phone')).toEqual([]);
    expect(seen(data, 'email')).toEqual([]);
    expect(seen(data, 'address.street')).toEqual([]);
    expect(seen(data, 'contacts[].phone')).toEqual([]);
  });

  it('copies only what changes and never mutates the input', () => {
    const data = { phone: 'p', address: { street: 's' }, untouched: { a: 1 } };
    const sut = mapFieldPath(data, parseFieldPath('address.street'), () => 'X');
    expect(sut).toEqual({ phone: 'p', address: { street: 'X' }, untouched: { a: 1 } });
    expect(data.address.street).toBe('s');
    expect(sut.untouched).toBe(data.untouched);
  });

  it.each(['', 'a..b', 'a[]', 'a[0].b', 'a b', '1abc'])('refuses the path %j', (path) => {
    expect(() => parseFieldPath(path)).toThrow(CryptoShreddingError);
  });
});
