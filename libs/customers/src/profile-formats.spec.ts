import { isIdentityCard, isMobilePhone } from 'class-validator';
import fc from 'fast-check';
import {
  anIdNumber,
  chineseIdNumberArb,
  chineseMobileArb,
  idCardCheckDigit,
} from '@custodia/testing';
import {
  isChineseMobile,
  isEmailAddress,
  isPlainText,
  isResidentIdNumber,
  isWechatId,
  normalizeChineseMobile,
} from './profile-formats';

const NOW = '2025-06-01T08:00:00.000Z';

describe(isChineseMobile.name, () => {
  it.each(['13812345678', '19912345678', '16600000000'])('accepts %s', (value) =>
    expect(isChineseMobile(value)).toBe(true),
  );

  it.each(['12812345678', '1381234567', '138123456789', '+8613812345678', '138-1234-5678', ''])(
    'refuses %p',
    (value) => expect(isChineseMobile(value)).toBe(false),
  );

  it('accepts every generated number, as class-validator does', () => {
    fc.assert(
      fc.property(chineseMobileArb, (phone) => {
        expect(isChineseMobile(phone)).toBe(true);
        expect(isMobilePhone(phone, 'zh-CN')).toBe(true);
      }),
    );
  });

  it('accepts nothing class-validator would refuse', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^1\d{10}$/), (value) => {
        if (isChineseMobile(value)) expect(isMobilePhone(value, 'zh-CN')).toBe(true);
      }),
    );
  });

  it('normalises spaces, hyphens and the country prefix away', () => {
    expect(normalizeChineseMobile('+86 138-1234-5678')).toBe('13812345678');
    expect(normalizeChineseMobile('0086 13812345678')).toBe('13812345678');
    // Only a prefix in front of a whole mobile number is dropped.
    expect(normalizeChineseMobile('+8612345')).toBe('+8612345');
  });
});

describe(isResidentIdNumber.name, () => {
  it('accepts a number with a valid region, birth date and check digit', () => {
    expect(isResidentIdNumber('11010519491231002X', NOW)).toBe(true);
    expect(isResidentIdNumber(anIdNumber(), NOW)).toBe(true);
  });

  it.each([
    ['a wrong check digit', '110105194912310021'],
    ['a lowercase x (normalised before)', '11010519491231002x'],
    ['an unknown province', anIdNumber({ region: '990105' })],
    ['the 30th of February', anIdNumber({ birthDate: '19900230' })],
    ['a birth before 1900', anIdNumber({ birthDate: '18991231' })],
    ['a birth after the command time', anIdNumber({ birthDate: '20250602' })],
    ['15 digits (the pre-1999 format)', '110105491231002'],
    ['letters', 'A1010519491231002X'],
  ])('refuses %s', (_case, value) => expect(isResidentIdNumber(value, NOW)).toBe(false));

  it('accepts a birth on the day of the command', () => {
    expect(isResidentIdNumber(anIdNumber({ birthDate: '20250601' }), NOW)).toBe(true);
  });

  it('accepts every generated number, as class-validator does', () => {
    fc.assert(
      fc.property(chineseIdNumberArb(), (id) => {
        expect(isResidentIdNumber(id, NOW)).toBe(true);
        expect(isIdentityCard(id, 'zh-CN')).toBe(true);
      }),
    );
  });

  it('refuses any single changed character (the MOD 11-2 check), as class-validator does', () => {
    fc.assert(
      fc.property(
        chineseIdNumberArb(),
        fc.integer({ min: 0, max: 17 }),
        fc.constantFrom(...'0123456789X'),
        (id, position, replacement) => {
          fc.pre(id[position] !== replacement && (position === 17 || replacement !== 'X'));
          const changed = `${id.slice(0, position)}${replacement}${id.slice(position + 1)}`;
          expect(isResidentIdNumber(changed, NOW)).toBe(false);
          expect(isIdentityCard(changed, 'zh-CN')).toBe(false);
        },
      ),
    );
  });

  it('computes the same check digit as the factory for the classic example', () => {
    expect(idCardCheckDigit('11010519491231002')).toBe('X');
  });
});

describe('other profile formats', () => {
  it('checks WeChat IDs', () => {
    expect(isWechatId('zhangwei_88')).toBe(true);
    expect(isWechatId('13812345678')).toBe(true);
    expect(isWechatId('88zhangwei')).toBe(false);
    expect(isWechatId('zw')).toBe(false);
  });

  it('checks e-mail addresses', () => {
    expect(isEmailAddress('zhang.wei@example.com.cn')).toBe(true);
    expect(isEmailAddress('zhang.wei@example')).toBe(false);
    expect(isEmailAddress('zhang wei@example.com')).toBe(false);
    expect(isEmailAddress(`${'a'.repeat(65)}@example.com`)).toBe(false);
  });

  it('checks plain text lengths in characters and refuses control characters', () => {
    expect(isPlainText('阿卜杜·热合曼', 50)).toBe(true);
    expect(isPlainText('张'.repeat(50), 50)).toBe(true);
    expect(isPlainText('张'.repeat(51), 50)).toBe(false);
    expect(isPlainText('张\u0000伟', 50)).toBe(false);
    expect(isPlainText('张\u200b伟', 50)).toBe(false);
    expect(isPlainText('', 50)).toBe(false);
  });
});
