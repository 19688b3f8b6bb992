import type { FieldName } from '@custodia/consent';
import { CustomerError } from './customer.errors';
import {
  isChineseMobile,
  isEmailAddress,
  isPlainText,
  isResidentIdNumber,
  isWechatId,
  normalizeChineseMobile,
} from './profile-formats';

/** The customer's own fields; each is a field of the catalog (consent's field catalog). */
export const profileFields = [
  'name',
  'phone',
  'email',
  'wechat',
  'address',
  'idNumber',
  'income',
  'company',
] as const satisfies readonly FieldName[];
export type ProfileField = (typeof profileFields)[number];

export type CustomerProfile = {
  readonly name: string;
  /** Normalised: 11 digits, no country prefix. */
  readonly phone: string;
  readonly email?: string;
  readonly wechat?: string;
  readonly address?: string;
  /** 18-digit resident ID number, check digit X in upper case. */
  readonly idNumber?: string;
  /** Annual income in whole yuan. */
  readonly income?: number;
  readonly company?: string;
};

/** PATCH semantics (RFC 7396): a value sets the field, `null` removes it, absent leaves it. */
export type ProfilePatch = { readonly [Field in ProfileField]?: CustomerProfile[Field] | null };

export const requiredProfileFields: readonly ProfileField[] = ['name', 'phone'];

export const isProfileField = (value: string): value is ProfileField =>
  (profileFields as readonly string[]).includes(value);

type FieldRule = {
  /** Canonical form of an accepted value (trimmed, normalised). */
  readonly normalize: (value: string) => string;
  readonly accepts: (value: string, at: string) => boolean;
  readonly rule: string;
};

const textRule = (max: number): FieldRule => ({
  normalize: (value) => value.trim(),
  accepts: (value) => isPlainText(value, max),
  rule: `must be 1–${max} characters without control characters`,
});

const stringRules: Readonly<Record<Exclude<ProfileField, 'income'>, FieldRule>> = {
  name: textRule(50),
  phone: {
    normalize: normalizeChineseMobile,
    accepts: isChineseMobile,
    rule: 'must be a mainland China mobile number (11 digits, 1[3-9]…, optional +86)',
  },
  email: { normalize: (v) => v.trim(), accepts: isEmailAddress, rule: 'must be an e-mail address' },
  wechat: {
    normalize: (v) => v.trim(),
    accepts: isWechatId,
    rule: 'must be a WeChat ID (6–20 letters, digits, _ or -, starting with a letter)',
  },
  address: textRule(200),
  idNumber: {
    normalize: (v) => v.trim().toUpperCase(),
    accepts: isResidentIdNumber,
    rule: 'must be an 18-digit resident ID number with a valid region, birth date and check digit',
  },
  company: textRule(100),
};

const MAX_INCOME = 1e11;

/** Checks and normalises one value; the error names the field and the rule, not the value. */
export const checkProfileValue = (
  field: ProfileField,
  value: unknown,
  at: string,
): string | number => {
  if (field === 'income') {
    if (
      typeof value === 'number' &&
      Number.isSafeInteger(value) &&
      value >= 0 &&
      value <= MAX_INCOME
    ) {
      return value;
    }
    throw invalid(field, 'must be a whole number of yuan from 0 to 100,000,000,000');
  }
  const { normalize, accepts, rule } = stringRules[field];
  if (typeof value !== 'string') throw invalid(field, rule);
  const normalized = normalize(value);
  if (!accepts(normalized, at)) throw invalid(field, rule);
  return normalized;
};

/** Validates a whole profile at registration: known keys, required fields, every format. */
export const checkProfile = (profile: unknown, at: string): CustomerProfile => {
  const entries = profileEntries(profile);
  const checked: Record<string, string | number> = {};
  for (const [field, value] of entries) {
    if (value !== undefined) checked[field] = checkProfileValue(field, value, at);
  }
  for (const field of requiredProfileFields) {
    if (checked[field] === undefined) {
      throw new CustomerError(
        'CUSTOMER.FIELD_REQUIRED',
        `profile.${field}: is required`,
        `profile.${field}`,
      );
    }
  }
  return checked as CustomerProfile;
};

/** The entries of a profile or patch, refusing keys that are not profile fields. */
export const profileEntries = (value: unknown, path = 'profile'): [ProfileField, unknown][] => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CustomerError('CUSTOMER.FIELD_INVALID', `${path}: must be an object`, path);
  }
  return Object.entries(value).map(([key, entry]): [ProfileField, unknown] => {
    if (!isProfileField(key)) {
      // The key is caller-chosen text, so it is not echoed either.
      throw new CustomerError(
        'CUSTOMER.FIELD_UNKNOWN',
        `${path}: has a property that is not a customer field (allowed: ${profileFields.join(', ')})`,
        path,
      );
    }
    return [key, entry];
  });
};

const invalid = (field: ProfileField, rule: string): CustomerError =>
  new CustomerError('CUSTOMER.FIELD_INVALID', `profile.${field}: ${rule}`, `profile.${field}`);
