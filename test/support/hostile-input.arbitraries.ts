import fc from 'fast-check';
import { aChineseName, aMobile, anIdNumber } from '@custodia/testing';

/**
 * Generated hostile HTTP requests for test/hostile-input.e2e-spec.ts. Bodies are built as JSON
 * text by hand so that keys like `__proto__` reach the server literally (an object literal or
 * assignment would set the prototype instead of an own key).
 */

/** Personal values the generator plants in requests; no response may contain them. */
export const CANARIES = {
  name: `欧阳${aChineseName(17)}`,
  phone: aMobile(52_013_147),
  idNumber: anIdNumber({ region: '440305', birthDate: '19880808', sequence: '147' }),
} as const;
const CANARY_VALUES = Object.values(CANARIES);

const FIXED_STRINGS = [
  ...CANARY_VALUES,
  `${CANARIES.name} ${CANARIES.phone}`,
  "'; DROP TABLE events; --",
  "1' OR '1'='1",
  '" OR ""="',
  '\n{"level":50,"msg":"forged log line"}\r\n',
  '\u001b[31mred\u001b[0m\u001b[2J',
  '\u0000',
  `a\u0000${CANARIES.phone}`,
  '\ud800',
  '\udfff\ud800',
  '\u202egnp.exe',
  'مرحبا \u200f עולם',
  '\u200b\u200c\u200d\ufeff',
  '__proto__',
  'constructor',
  'prototype',
  '%00',
  '../../etc/passwd',
  '${jndi:ldap://x/a}',
  '{{7*7}}',
  '<script>alert(1)</script>',
  'NaN',
  '-0',
  '1e309',
  '9'.repeat(400),
  '',
  ' ',
];

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...FIXED_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...CANARY_VALUES), fc.integer({ min: 600, max: 120_000 }))
      .map(([canary, n]) => `${canary}${'x'.repeat(n)}`),
  },
);

const FIELD_NAMES = [
  'name',
  'phone',
  'idNumber',
  'purpose',
  'fields',
  'customerId',
  'status',
  'reason',
  'consents',
  'roles',
];
const keyArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', ...FIELD_NAMES),
  hostileString,
);

/** A JSON document as a tree, objects as entry lists (duplicate and `__proto__` keys kept). */
export type Json =
  | { readonly kind: 'leaf'; readonly value: string | number | boolean | null }
  | { readonly kind: 'array'; readonly items: readonly Json[] }
  | { readonly kind: 'object'; readonly entries: readonly (readonly [string, Json])[] };

const leaf = (value: string | number | boolean | null): Json => ({ kind: 'leaf', value });
const { json: jsonArb } = fc.letrec<{ json: Json }>((tie) => ({
  json: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString.map(leaf),
    fc.oneof(fc.integer(), fc.double(), fc.constant(2 ** 64), fc.constant(-1)).map(leaf),
    fc.constantFrom<boolean | null>(true, false, null).map(leaf),
    fc.array(tie('json'), { maxLength: 4 }).map((items): Json => ({ kind: 'array', items })),
    fc
      .array(fc.tuple(keyArb, tie('json')), { maxLength: 4 })
      .map((entries): Json => ({ kind: 'object', entries })),
  ),
}));
export { jsonArb };

export const serialize = (json: Json): string => {
  switch (json.kind) {
    case 'leaf':
      // NaN and ±Infinity have no JSON form; JSON.stringify writes null.
      return JSON.stringify(json.value);
    case 'array':
      return `[${json.items.map(serialize).join(',')}]`;
    case 'object':
      return `{${json.entries.map(([k, v]) => `${JSON.stringify(k)}:${serialize(v)}`).join(',')}}`;
  }
};

/** Turns a plain object (a valid body of a route) into a tree. */
export const toJson = (value: unknown): Json => {
  if (Array.isArray(value)) return { kind: 'array', items: value.map(toJson) };
  if (value !== null && typeof value === 'object') {
    return { kind: 'object', entries: Object.entries(value).map(([k, v]) => [k, toJson(v)]) };
  }
  return leaf(value as string | number | boolean | null);
};

const nested = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;

/** A valid body changed in one place: a field replaced, removed, or a hostile key added. */
const mutated = (template: Json): fc.Arbitrary<Json> => {
  if (template.kind !== 'object' || template.entries.length === 0) return jsonArb;
  const entries = template.entries;
  return fc.oneof(
    fc.tuple(fc.nat({ max: entries.length - 1 }), jsonArb).map(([i, value]): Json => ({
      kind: 'object',
      entries: entries.map(([k, v], j) => [k, j === i ? value : v] as const),
    })),
    fc
      .nat({ max: entries.length - 1 })
      .map((i): Json => ({ kind: 'object', entries: entries.filter((_, j) => j !== i) })),
    fc
      .tuple(keyArb, jsonArb)
      .map(([k, v]): Json => ({ kind: 'object', entries: [...entries, [k, v] as const] })),
  );
};

export type Body = { readonly text: string | undefined; readonly contentType: string | undefined };

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'application/json; charset=bogus',
  'application/merge-patch+json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  '*/*',
  '',
];

const RAW_BODIES = [
  '{"a":',
  '{',
  '[1,2',
  'nul',
  '{"__proto__":{"polluted":"yes"}}',
  '{"constructor":{"prototype":{"polluted":"yes"}}}',
  `{"name":"${CANARIES.name}",}`,
  `name=${CANARIES.name}&phone=${CANARIES.phone}`,
  `<a>${CANARIES.idNumber}</a>`,
  '\u0000\u0001\u0002',
];

export const bodyArb = (template: unknown): fc.Arbitrary<Body> => {
  // The template as it is too: valid bodies reach the handlers, whose refusals (403, 404, 409)
  // must append nothing either.
  const json =
    template === undefined
      ? jsonArb
      : fc.oneof(
          { weight: 3, arbitrary: mutated(toJson(template)) },
          { weight: 1, arbitrary: fc.constant(toJson(template)) },
        );
  return fc.oneof(
    {
      weight: 6,
      arbitrary: json.map((j) => ({ text: serialize(j), contentType: 'application/json' })),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          fc.oneof(json.map(serialize), fc.constantFrom(...RAW_BODIES)),
          fc.constantFrom(...CONTENT_TYPES),
        )
        .map(([text, contentType]) => ({ text, contentType })),
    },
    {
      weight: 1,
      arbitrary: fc
        .oneof(fc.integer({ min: 2, max: 24 }), fc.integer({ min: 100, max: 20_000 }))
        .map((depth) => ({ text: `{"fields":${nested(depth)}}`, contentType: 'application/json' })),
    },
    { weight: 1, arbitrary: fc.constant({ text: undefined, contentType: undefined }) },
  );
};

/** A well-formed JSON body: the route's valid one, or that one changed in one place. */
export const plausibleBodyArb = (template: unknown): fc.Arbitrary<Body> =>
  template === undefined
    ? fc.constant({ text: undefined, contentType: undefined })
    : fc
        .oneof(fc.constant(toJson(template)), mutated(toJson(template)))
        .map((j) => ({ text: serialize(j), contentType: 'application/json' }));

/** A header value as Node lets a client send it: the UTF-8 bytes read as latin1, no CR/LF/NUL. */
export const headerSafe = (value: string): string =>
  Buffer.from(value, 'utf8')
    .toString('latin1')
    .replace(/[^\t\x20-\x7e\x80-\xff]/g, '?');

/** A URL component, percent-encoded byte by byte (lone surrogates become U+FFFD). */
export const urlSafe = (value: string): string =>
  [...Buffer.from(value, 'utf8')]
    .map((byte) =>
      /[A-Za-z0-9\-._~]/.test(String.fromCharCode(byte))
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');

/** Path segments sent as written: broken percent-encoding, dot segments, NUL. */
const RAW_SEGMENTS = ['%', '%E0%A4%A', '%zz', '%00', '..', '%2e%2e', '%2F', '%C0%AF', 'a;b=c'];

export const pathParamArb = (realIds: readonly string[]): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...realIds) },
    { weight: 1, arbitrary: fc.uuid() },
    { weight: 3, arbitrary: hostileString.map((s) => urlSafe(s.slice(0, 2000))) },
    { weight: 1, arbitrary: fc.constantFrom(...RAW_SEGMENTS) },
  );

const RAW_QUERY = [
  'a[b][c]=1',
  'a[]=1&a[]=2',
  '__proto__[polluted]=yes',
  'constructor[prototype][x]=1',
  '%zz=1',
  '&&=&',
  'limit=-1',
  'limit=1e9',
  'cursor=%00',
];

const QUERY_NAMES = ['cursor', 'limit', 'phone', 'email', 'owner', 'team', 'from', 'to', 'at'];
const queryKeyArb = fc.oneof(
  fc.constantFrom(...QUERY_NAMES, 'format', 'status', 'overdue'),
  keyArb,
);

export const queryArb: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      fc
        .tuple(queryKeyArb, hostileString)
        .map(([k, v]) => `${urlSafe(k)}=${urlSafe(v.slice(0, 3000))}`),
      fc.constantFrom(...RAW_QUERY),
    ),
    { maxLength: 5 },
  )
  .map((pairs) => pairs.join('&'));
