import { CryptoShreddingError } from './crypto-shredding.errors';

/**
 * A personal field's place in event data: `phone` (top level), `address.street` (nested
 * object) or `contacts[].phone` (each element of an array). Nothing fancier on purpose.
 */
export type FieldPath = { readonly text: string; readonly segments: readonly Segment[] };

type Segment = { readonly key: string; readonly each: boolean };

const SEGMENT = /^([A-Za-z_$][\w$-]*)(\[\])?$/;

export const parseFieldPath = (text: string): FieldPath => {
  const segments = text.split('.').map((part) => {
    const match = SEGMENT.exec(part);
    if (!match)
      throw new CryptoShreddingError(
        'CRYPTO.INVALID_DECLARATION',
        `field path "${text}": use name, a.b or list[].name`,
      );
    return { key: match[1], each: match[2] !== undefined };
  });
  if (segments[segments.length - 1].each)
    throw new CryptoShreddingError(
      'CRYPTO.INVALID_DECLARATION',
      `field path "${text}": name a field inside the array elements, e.g. "${text}.name"`,
    );
  return { text, segments };
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Called with each value found (never undefined or null) and its concrete path. */
export type FieldVisitor = (value: unknown, concretePath: string) => unknown;

/**
 * A copy of `data` where every value at `path` is replaced by `visit(value, concretePath)`
 * (`contacts.1.phone` for `contacts[].phone`). Only the objects along the path are copied;
 * missing or mistyped branches are left as they are.
 */
export const mapFieldPath = (
  data: Record<string, unknown>,
  path: FieldPath,
  visit: FieldVisitor,
): Record<string, unknown> => {
  const walk = (node: Record<string, unknown>, depth: number, prefix: string): typeof node => {
    const { key, each } = path.segments[depth];
    if (!Object.hasOwn(node, key)) return node;
    const value = node[key];
    const here = prefix === '' ? key : `${prefix}.${key}`;
    const last = depth === path.segments.length - 1;
    let next: unknown = value;
    if (last) {
      if (value === undefined || value === null) return node;
      next = visit(value, here);
    } else if (each) {
      if (!Array.isArray(value)) return node;
      next = value.map((item: unknown, index) =>
        isRecord(item) ? walk(item, depth + 1, `${here}.${index}`) : item,
      );
    } else if (isRecord(value)) {
      next = walk(value, depth + 1, here);
    }
    return next === value ? node : { ...node, [key]: next };
  };
  return walk(data, 0, '');
};
