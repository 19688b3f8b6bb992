import fc from 'fast-check';
import { canonicalJson, eventDigest } from './event-hash';

describe(canonicalJson.name, () => {
  it('sorts keys at every level and leaves no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: null, y: '张' }], c: true } })).toBe(
      '{"a":{"c":true,"d":[1,{"y":"张","z":null}]},"b":1}',
    );
  });

  it('stores what JSON.stringify stores: toJSON, dropped undefined, null for the unrepresentable', () => {
    const at = new Date('2026-11-30T12:00:00.000Z');
    expect(canonicalJson({ at, gone: undefined, list: [undefined, NaN, Infinity, () => 1] })).toBe(
      '{"at":"2026-11-30T12:00:00.000Z","list":[null,null,null,null]}',
    );
    expect(() => canonicalJson({ big: 1n })).toThrow('bigint');
  });

  it('gives the same bytes for a value and for that value after a JSON round trip in any key order', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const reverseKeys = (_key: string, item: unknown): unknown =>
          typeof item !== 'object' || item === null || Array.isArray(item)
            ? item
            : Object.fromEntries(Object.entries(item).reverse());
        const reordered = JSON.parse(JSON.stringify(value), reverseKeys) as unknown;
        expect(canonicalJson(reordered)).toBe(canonicalJson(value));
        expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });

  it('makes the digest independent of how the caller built the event', () => {
    const content = { streamId: 'S-1', id: 'e', type: 'T', metadata: {} };
    expect(eventDigest({ ...content, data: { when: new Date(0), skip: undefined } })).toEqual(
      eventDigest({ ...content, data: { when: '1970-01-01T00:00:00.000Z' } }),
    );
  });
});
