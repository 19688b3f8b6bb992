import { jsonDepth, MAX_JSON_DEPTH } from './json-depth.middleware';

const nested = (depth: number): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < depth; i += 1) value = i % 2 === 0 ? [value] : { a: value };
  return value;
};

describe(jsonDepth.name, () => {
  it('counts objects and arrays, not scalars', () => {
    expect(jsonDepth(undefined, MAX_JSON_DEPTH)).toBe(0);
    expect(jsonDepth('x', MAX_JSON_DEPTH)).toBe(0);
    expect(jsonDepth({}, MAX_JSON_DEPTH)).toBe(1);
    expect(jsonDepth({ consents: [{ purpose: 'p' }] }, MAX_JSON_DEPTH)).toBe(3);
    expect(jsonDepth(nested(MAX_JSON_DEPTH), MAX_JSON_DEPTH)).toBe(MAX_JSON_DEPTH);
  });

  it('stops past the limit without recursing, however deep the value', () => {
    const sut = jsonDepth(nested(200_000), MAX_JSON_DEPTH);
    expect(sut).toBe(MAX_JSON_DEPTH + 1);
  });
});
