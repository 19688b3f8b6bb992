/**
 * Formats of Chinese personal data, reimplemented here rather than taken from class-validator:
 * the domain stays free of libraries, the rules are exactly ours (11-digit mainland mobiles only,
 * 18-digit ID numbers only), and nothing reads the clock (validator's `isIdentityCard` compares
 * the birth date with `new Date()`). The specs check agreement with class-validator.
 */
import { isCalendarDate } from '@custodia/consent';

/** Mainland China mobile: 11 digits, `1[3-9]` then nine digits (MIIT numbering plan). */
export const isChineseMobile = (value: string): boolean => /^1[3-9]\d{9}$/.test(value);

/** Drops spaces, hyphens and the +86 / 0086 country prefix: `+86 138-1234-5678` → `13812345678`. */
export const normalizeChineseMobile = (value: string): string =>
  value.replace(/[\s-]/g, '').replace(/^(?:\+86|0086)(?=1\d{10}$)/, '');

// GB/T 2260 province-level codes (the first two digits of a resident ID number).
const PROVINCES = new Set(
  (
    '11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 ' +
    '65 71 81 82 91'
  ).split(' '),
);
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/**
 * An 18-digit resident ID number (GB 11643-1999): a known province, a real birth date from 1900
 * up to `notAfter` (YYYY-MM-DD…, the command's time), and the ISO 7064 MOD 11-2 check digit
 * (uppercase X). The 15-digit numbers of before 1999 are refused.
 */
export const isResidentIdNumber = (value: string, notAfter: string): boolean => {
  if (!/^\d{17}[\dX]$/.test(value) || !PROVINCES.has(value.slice(0, 2))) return false;
  const birth = value.slice(6, 14);
  const [year, month, day] = [birth.slice(0, 4), birth.slice(4, 6), birth.slice(6)].map(Number);
  if (year < 1900 || !isCalendarDate(year, month, day)) return false;
  if (`${birth.slice(0, 4)}-${birth.slice(4, 6)}-${birth.slice(6)}` > notAfter.slice(0, 10)) {
    return false;
  }
  const sum = ID_WEIGHTS.reduce((acc, weight, i) => acc + weight * Number(value[i]), 0);
  return ID_CHECK[sum % 11] === value[17];
};

/** WeChat IDs: 6–20 letters, digits, `_` or `-`, starting with a letter; or a mobile number. */
export const isWechatId = (value: string): boolean =>
  /^[A-Za-z][-_A-Za-z0-9]{5,19}$/.test(value) || isChineseMobile(value);

/** A pragmatic e-mail check (RFC 5321 lengths, one @, a dot in the domain), not RFC 5322. */
export const isEmailAddress = (value: string): boolean =>
  value.length <= 254 && /^[^\s@]{1,64}@[^\s@.]+(?:\.[^\s@.]+)+$/.test(value);

/** Free text of 1–`max` characters without control or format characters. */
export const isPlainText = (value: string, max: number): boolean =>
  value.length >= 1 && [...value].length <= max && !/[\p{Cc}\p{Cf}]/u.test(value);
