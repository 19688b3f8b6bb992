import fc from 'fast-check';

/**
 * Valid-looking Chinese personal data for tests: mobile numbers, 18-digit resident ID numbers
 * with a correct check digit (GB 11643-1999), names. All synthetic.
 */

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK_DIGITS = '10X98765432';

/** Province-level codes that open a resident ID number (the first two digits). */
export const provinceCodes = (
  '11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 ' +
  '71 81 82 91'
).split(' ');

/** ISO 7064 MOD 11-2 check digit of the first 17 digits. */
export const idCardCheckDigit = (first17: string): string => {
  const sum = [...first17].reduce((acc, digit, i) => acc + Number(digit) * ID_WEIGHTS[i], 0);
  return ID_CHECK_DIGITS[sum % 11];
};

export type IdNumberParts = {
  /** Six-digit administrative division code. */
  readonly region?: string;
  /** YYYYMMDD */
  readonly birthDate?: string;
  /** Three digits; odd for men, even for women. */
  readonly sequence?: string;
};

export const anIdNumber = ({
  region = '110105',
  birthDate = '19900307',
  sequence = '123',
}: IdNumberParts = {}): string => {
  const first17 = `${region}${birthDate}${sequence}`;
  return `${first17}${idCardCheckDigit(first17)}`;
};

/** A mobile number that differs per `n` (distinct canary values in one test). */
export const aMobile = (n = 0): string => `138${String(n % 1e8).padStart(8, '0')}`;

export const chineseMobileArb: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 3, max: 9 }), fc.integer({ min: 0, max: 999_999_999 }))
  .map(([second, rest]) => `1${second}${String(rest).padStart(9, '0')}`);

const ymd = (date: Date): string =>
  `${date.getUTCFullYear()}${String(date.getUTCMonth() + 1).padStart(2, '0')}${String(
    date.getUTCDate(),
  ).padStart(2, '0')}`;

/** 18-digit ID numbers with a valid region, birth date (before `bornBefore`) and check digit. */
export const chineseIdNumberArb = (bornBefore = '2020-01-01T00:00:00Z'): fc.Arbitrary<string> =>
  fc
    .record({
      province: fc.constantFrom(...provinceCodes),
      area: fc.integer({ min: 0, max: 9999 }),
      birth: fc.date({
        min: new Date('1900-01-01T00:00:00Z'),
        max: new Date(Date.parse(bornBefore) - 86_400_000),
        noInvalidDate: true,
      }),
      sequence: fc.integer({ min: 0, max: 999 }),
    })
    .map(({ province, area, birth, sequence }) =>
      anIdNumber({
        region: `${province}${String(area).padStart(4, '0')}`,
        birthDate: ymd(birth),
        sequence: String(sequence).padStart(3, '0'),
      }),
    );

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '欧阳'];
const GIVEN = [
  '伟',
  '芳',
  '娜',
  '敏',
  '静',
  '丽',
  '强',
  '磊',
  '军',
  '洋',
  '杰',
  '娟',
  '秀英',
  '明',
];

export const aChineseName = (n = 0): string =>
  `${SURNAMES[n % SURNAMES.length]}${GIVEN[n % GIVEN.length]}${GIVEN[(n + 3) % GIVEN.length]}`;

export const chineseNameArb: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom(...SURNAMES),
    fc.array(fc.constantFrom(...GIVEN), { minLength: 1, maxLength: 2 }),
  )
  .map(([surname, given]) => `${surname}${given.join('')}`);
