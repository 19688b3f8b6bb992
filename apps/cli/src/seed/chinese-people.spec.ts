import { isIdentityCard, isMobilePhone } from 'class-validator';
import {
  isChineseMobile,
  isEmailAddress,
  isResidentIdNumber,
  isWechatId,
} from '@custodia/customers';
import {
  address,
  DISTRICTS,
  emailAddress,
  mobileNumber,
  personName,
  residentIdCheckDigit,
  residentIdNumber,
  wechatId,
} from './chinese-people';
import { SeededRandom } from './seeded-random';

const AS_OF = new Date('2026-11-30T00:00:00Z');

describe('residentIdCheckDigit', () => {
  it.each([
    // The worked example of GB 11643-1999, and a well-known published one ending in X.
    ['440524188001010014'],
    ['11010519491231002X'],
  ])('gives the check character of %s', (id) => {
    expect(residentIdCheckDigit(id.slice(0, 17))).toBe(id[17]);
  });

  it('refuses anything but 17 digits', () => {
    expect(() => residentIdCheckDigit('12345')).toThrow(RangeError);
  });
});

describe('residentIdNumber', () => {
  const random = new SeededRandom(1, 0x1d);
  const ids = Array.from({ length: 2_000 }, () => residentIdNumber(random, AS_OF));

  it('passes the product rule and class-validator', () => {
    for (const id of ids) {
      expect(isResidentIdNumber(id, AS_OF.toISOString())).toBe(true);
      expect(isIdentityCard(id, 'zh-CN')).toBe(true);
    }
  });

  it('starts with a listed district and makes the person 20 to 65 years old', () => {
    const codes = new Set(DISTRICTS.map((d) => d.code));
    for (const id of ids) {
      expect(codes.has(id.slice(0, 6))).toBe(true);
      const age =
        (AS_OF.getTime() -
          Date.parse(`${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`)) /
        (365.25 * 86_400_000);
      expect(age).toBeGreaterThanOrEqual(19.9);
      expect(age).toBeLessThanOrEqual(65.1);
    }
  });

  it('is unique enough: 2,000 numbers, no repeat', () => {
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('mobileNumber', () => {
  it('is 1[3-9] and nine more digits, accepted by the product and class-validator', () => {
    const random = new SeededRandom(2);
    const numbers = Array.from({ length: 2_000 }, () => mobileNumber(random));
    for (const n of numbers) {
      expect(n).toMatch(/^1[3-9]\d{9}$/);
      expect(isChineseMobile(n)).toBe(true);
      expect(isMobilePhone(n, 'zh-CN')).toBe(true);
    }
    // Spread over many prefixes, not one.
    expect(new Set(numbers.map((n) => n.slice(0, 3))).size).toBeGreaterThan(30);
  });
});

describe('personName', () => {
  const random = new SeededRandom(3);
  const names = Array.from({ length: 20_000 }, () => personName(random));

  it('is a surname and one or two given characters', () => {
    for (const { name } of names) expect(name).toMatch(/^\p{Script=Han}{2,4}$/u);
  });

  it('follows surname frequencies: 王, 李 and 张 lead, about a fifth of people together', () => {
    const counts = new Map<string, number>();
    for (const { name } of names) counts.set(name[0], (counts.get(name[0]) ?? 0) + 1);
    const top = [...counts]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([s]) => s);
    expect(top.sort()).toEqual(['张', '李', '王'].sort());
    const share =
      ((counts.get('王') ?? 0) + (counts.get('李') ?? 0) + (counts.get('张') ?? 0)) / names.length;
    expect(share).toBeGreaterThan(0.2);
    expect(share).toBeLessThan(0.3);
  });

  it('makes e-mail addresses and WeChat ids the product accepts', () => {
    for (const person of names.slice(0, 2_000)) {
      expect(isEmailAddress(emailAddress(random, person))).toBe(true);
      expect(isWechatId(wechatId(random, person))).toBe(true);
    }
  });
});

describe('address', () => {
  it('names province or municipality, district and street number', () => {
    const random = new SeededRandom(4);
    for (let i = 0; i < 500; i++) {
      const where = random.pick(DISTRICTS);
      const text = address(random, where);
      expect(text.startsWith(where.province)).toBe(true);
      expect(text).toContain(where.district === where.city ? where.city : where.district);
      expect(text).toMatch(/\d+号/);
      expect([...text].length).toBeLessThanOrEqual(200);
    }
  });
});
