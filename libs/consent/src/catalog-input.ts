/**
 * Reading untyped JSON from config/purposes.json: every problem is collected as one line that
 * names where it is (`purpose "marketing": …`), so boot fails once with the whole list.
 */
export type Issues = string[];

export type JsonObject = Readonly<Record<string, unknown>>;

export const asObject = (value: unknown): JsonObject | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as JsonObject)
    : undefined;

export const checkKeys = (
  object: JsonObject,
  allowed: readonly string[],
  where: string,
  issues: Issues,
): void => {
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key)) issues.push(`${where}: unknown property "${key}"`);
  }
};

export const text = (
  object: JsonObject,
  key: string,
  where: string,
  issues: Issues,
): string | undefined => {
  const value = object[key];
  if (typeof value === 'string' && value.trim() !== '') return value;
  issues.push(`${where}: "${key}" must be a non-empty string`);
  return undefined;
};

/** A non-empty list of distinct strings, each accepted by `valid` (named by `rule`). */
export const list = (
  object: JsonObject,
  key: string,
  where: string,
  issues: Issues,
  valid: (value: string) => boolean,
  rule: string,
): string[] | undefined => {
  const value = object[key];
  if (!Array.isArray(value) || value.length === 0) {
    issues.push(`${where}: "${key}" must be a non-empty array`);
    return undefined;
  }
  const seen = new Set<string>();
  let ok = true;
  for (const item of value) {
    if (typeof item !== 'string' || !valid(item)) {
      issues.push(`${where}: "${key}" has ${describe(item)}, ${rule}`);
      ok = false;
    } else if (seen.has(item)) {
      issues.push(`${where}: "${key}" lists "${item}" twice`);
      ok = false;
    }
    if (typeof item === 'string') seen.add(item);
  }
  return ok ? [...seen] : undefined;
};

// Configuration holds no personal values, so naming the offending entry is safe and useful.
const describe = (item: unknown): string =>
  typeof item === 'string' ? `"${item.slice(0, 60)}"` : `a ${typeof item}`;
