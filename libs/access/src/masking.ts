import type { FieldName } from '@custodia/consent';

/**
 * The masked form of each personal field: one definition, used by every read model, route and
 * export. A mask keeps only what identifies nobody on its own: the ends of a number, a first
 * character, a domain, a district.
 */

const stars = (count: number): string => '*'.repeat(Math.max(count, 1));

/** Mobile 3+4: `13812345678` → `138****5678`. */
export const maskMobile = (phone: string): string =>
  phone.length < 8 ? stars(phone.length) : `${phone.slice(0, 3)}****${phone.slice(-4)}`;

/** ID card 6+4: `110101199003071234` → `110101********1234`. */
export const maskIdNumber = (idNumber: string): string =>
  idNumber.length < 11
    ? stars(idNumber.length)
    : `${idNumber.slice(0, 6)}${stars(idNumber.length - 10)}${idNumber.slice(-4)}`;

/** Name, first character: `张伟` → `张*`, `张伟明` → `张**`. Code points, not UTF-16 units. */
export const maskName = (name: string): string => {
  const characters = [...name.trim()];
  return characters.length === 0 ? '*' : `${characters[0]}${stars(characters.length - 1)}`;
};

/** E-mail, first character + domain: `zhang.wei@example.com` → `z***@example.com`. */
export const maskEmail = (email: string): string => {
  const at = email.lastIndexOf('@');
  if (at < 1) return '***';
  return `${[...email.slice(0, at)][0]}***${email.slice(at)}`;
};

/** WeChat, first two characters: `zhangwei_88` → `zh********`. */
export const maskWechat = (wechat: string): string => {
  const characters = [...wechat];
  return `${characters.slice(0, 2).join('')}${stars(characters.length - 2)}`;
};

// Province/municipality, prefecture city, district/county: the address down to the district.
// A level's name is a few characters that are no street, number, town or community, so that a
// later 市 or 区 in the street part ("…华贸中心市场") never stretches a level over the street.
const NAME = String.raw`[^\d\s0-9A-Za-z路街道巷弄号楼层室栋镇乡村社]{1,9}?`;
const ADMINISTRATIVE = new RegExp(
  `^((?:${NAME}(?:省|自治区|特别行政区))|北京市|上海市|天津市|重庆市)?` +
    `(${NAME}(?:自治州|地区|盟|市))?` +
    `(${NAME}(?:区|县|旗|市))?`,
  'u',
);

/**
 * Address down to the district: `北京市朝阳区建国路88号` → `北京市朝阳区***`. Without a
 * recognisable district (e.g. a Latin-script address) only the first segment before a comma is
 * kept, and nothing when there is none.
 */
export const maskAddress = (address: string): string => {
  const trimmed = address.trim();
  const match = ADMINISTRATIVE.exec(trimmed);
  const prefix = match ? `${match[1] ?? ''}${match[2] ?? ''}${match[3] ?? ''}` : '';
  if (prefix !== '' && prefix.length < trimmed.length) return `${prefix}***`;
  const comma = trimmed.lastIndexOf(',');
  return comma > 0 ? `***,${trimmed.slice(comma + 1).trim()}` : '***';
};

/** Annual income as a band, never the figure: `230000` → `100k–300k`. */
export const maskIncome = (income: number): string => {
  if (!Number.isFinite(income) || income < 0) return '***';
  if (income < 100_000) return '<100k';
  if (income < 300_000) return '100k–300k';
  if (income < 1_000_000) return '300k–1M';
  return '≥1M';
};

/** Free text (follow-up notes) has no safe partial form. */
const maskFreeText = (): string => '***';

/** The masked form of `value` of `field`; business fields are not personal and stay as they are. */
export const maskField = (field: FieldName, value: unknown): unknown => {
  if (value === null || value === undefined) return value;
  // A personal text field holding anything but text (an erased marker, a stray object) has no
  // safe partial form.
  const text = typeof value === 'string' ? value : typeof value === 'number' ? `${value}` : '';
  const masked = (mask: (text: string) => string): string => (text === '' ? '***' : mask(text));
  switch (field) {
    case 'name':
      return masked(maskName);
    case 'phone':
      return masked(maskMobile);
    case 'email':
      return masked(maskEmail);
    case 'wechat':
      return masked(maskWechat);
    case 'address':
      return masked(maskAddress);
    case 'idNumber':
      return masked(maskIdNumber);
    case 'income':
      return typeof value === 'number' ? maskIncome(value) : '***';
    case 'followUpNotes':
      return maskFreeText();
    case 'company':
    case 'products':
    case 'quote':
    case 'orderStatus':
      return value;
  }
};
