import {
  chineseIdNumberArb,
  chineseMobileArb,
  chineseNameArb,
  aMobile,
  anIdNumber,
} from '@custodia/testing';
import fc from 'fast-check';
import {
  maskAddress,
  maskEmail,
  maskField,
  maskIdNumber,
  maskIncome,
  maskMobile,
  maskName,
  maskWechat,
} from './masking';

const localPartArb = fc.stringMatching(/^[a-z0-9][a-z0-9._-]{1,20}$/);
const domainArb = fc.stringMatching(/^[a-z0-9]{2,12}\.(com|cn|org|com\.cn)$/);
const emailArb = fc.tuple(localPartArb, domainArb).map(([local, domain]) => `${local}@${domain}`);

describe('masking', () => {
  describe(maskMobile.name, () => {
    it('keeps the first three and the last four digits (3+4)', () => {
      expect(maskMobile('13812345678')).toBe('138****5678');
      expect(maskMobile(aMobile(42))).toBe('138****0042');
    });

    it('hides a value too short to keep 3+4 entirely', () => {
      expect(maskMobile('1234567')).toBe('*******');
      expect(maskMobile('')).toBe('*');
    });

    it('never contains the full number and keeps its length', () => {
      fc.assert(
        fc.property(chineseMobileArb, (phone) => {
          const masked = maskMobile(phone);
          expect(masked).not.toContain(phone);
          expect(masked).toHaveLength(phone.length);
          expect(masked).toBe(`${phone.slice(0, 3)}****${phone.slice(-4)}`);
        }),
      );
    });
  });

  describe(maskIdNumber.name, () => {
    it('keeps the first six and the last four characters (6+4)', () => {
      expect(maskIdNumber('110101199003071234')).toBe('110101********1234');
      expect(maskIdNumber('11010119900307123X')).toBe('110101********123X');
    });

    it('hides a value too short to keep 6+4 entirely', () => {
      expect(maskIdNumber('1234567890')).toBe('**********');
    });

    it('never contains the full number or the birth date and keeps its length', () => {
      fc.assert(
        fc.property(chineseIdNumberArb(), (idNumber) => {
          const masked = maskIdNumber(idNumber);
          expect(masked).not.toContain(idNumber);
          expect(masked).not.toContain(idNumber.slice(6, 14));
          expect(masked).toHaveLength(idNumber.length);
          expect(masked).toMatch(/^\d{6}\*{8}\d{3}[\dX]$/);
        }),
      );
      expect(maskIdNumber(anIdNumber())).toHaveLength(18);
    });
  });

  describe(maskName.name, () => {
    it('keeps the first character and one star per other character', () => {
      expect(maskName('张伟明')).toBe('张**');
      expect(maskName('张伟')).toBe('张*');
      expect(maskName('欧阳秀英')).toBe('欧***');
      expect(maskName('  李娜 ')).toBe('李*');
    });

    it('counts code points, not UTF-16 units', () => {
      expect(maskName('𠀀伟')).toBe('𠀀*');
    });

    it('masks a one-character and an empty name without showing anything more', () => {
      expect(maskName('张')).toBe('张*');
      expect(maskName('')).toBe('*');
    });

    it('never contains the full name', () => {
      fc.assert(
        fc.property(chineseNameArb, (name) => {
          const masked = maskName(name);
          expect(masked).not.toContain(name);
          expect(masked[0]).toBe(name[0]);
        }),
      );
    });
  });

  describe(maskEmail.name, () => {
    it('keeps the first character and the domain', () => {
      expect(maskEmail('zhang.wei@example.com')).toBe('z***@example.com');
      expect(maskEmail('a@b.cn')).toBe('a***@b.cn');
    });

    it('hides an address with no local part or no @ entirely', () => {
      expect(maskEmail('@example.com')).toBe('***');
      expect(maskEmail('zhang.wei')).toBe('***');
    });

    it('never contains the full address nor its local part', () => {
      fc.assert(
        fc.property(emailArb, (email) => {
          const masked = maskEmail(email);
          const [local, domain] = email.split('@');
          expect(masked).not.toContain(email);
          expect(masked).toBe(`${local[0]}***@${domain}`);
          // What stands before the @ (the domain is shown, and may happen to contain it).
          if (local.length > 1) expect(masked.split('@')[0]).not.toContain(local);
        }),
      );
    });
  });

  describe(maskWechat.name, () => {
    it('keeps the first two characters', () => {
      expect(maskWechat('zhangwei_88')).toBe('zh*********');
      expect(maskWechat('wx')).toBe('wx*');
      expect(maskWechat('微信号码')).toBe('微信**');
    });

    it('never contains an ID longer than two characters', () => {
      fc.assert(
        fc.property(fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9_-]{2,19}$/), (wechat) => {
          const masked = maskWechat(wechat);
          expect(masked).not.toContain(wechat);
          expect(masked.slice(0, 2)).toBe(wechat.slice(0, 2));
        }),
      );
    });
  });

  describe(maskAddress.name, () => {
    it.each([
      ['北京市朝阳区建国路88号', '北京市朝阳区***'],
      ['广东省深圳市南山区科技园1号', '广东省深圳市南山区***'],
      ['上海市浦东新区世纪大道100号', '上海市浦东新区***'],
      ['浙江省杭州市西湖区文三路1号', '浙江省杭州市西湖区***'],
    ])('keeps %s down to the district', (address, masked) => {
      expect(maskAddress(address)).toBe(masked);
    });

    it('keeps only the last comma segment of an address without a district', () => {
      expect(maskAddress('1 Main Street, Springfield')).toBe('***,Springfield');
      expect(maskAddress('somewhere')).toBe('***');
    });

    it('never returns a district-level prefix as a whole address', () => {
      expect(maskAddress('北京市朝阳区')).toBe('***');
    });

    // A later 市/区 in the street part must not stretch a level over the street.
    it.each([
      ['北京市朝阳区建国路88号华贸中心市场3层', '北京市朝阳区***'],
      ['广东省东莞市长安镇乌沙社区3号', '广东省东莞市***'],
    ])('keeps %s no further than the district', (address, masked) => {
      expect(maskAddress(address)).toBe(masked);
    });
  });

  describe(maskIncome.name, () => {
    it.each([
      [0, '<100k'],
      [99_999, '<100k'],
      [100_000, '100k–300k'],
      [230_000, '100k–300k'],
      [300_000, '300k–1M'],
      [999_999, '300k–1M'],
      [1_000_000, '≥1M'],
      [-1, '***'],
      [Number.NaN, '***'],
      [Number.POSITIVE_INFINITY, '***'],
    ])('puts %p in the band %s', (income, band) => {
      expect(maskIncome(income)).toBe(band);
    });

    it('never shows the figure itself', () => {
      fc.assert(
        fc.property(fc.integer({ min: 1000, max: 100_000_000 }), (income) => {
          expect(maskIncome(income)).not.toContain(String(income));
        }),
      );
    });
  });

  describe(maskField.name, () => {
    it('masks each personal field with its own mask', () => {
      expect(maskField('name', '张伟明')).toBe('张**');
      expect(maskField('phone', '13812345678')).toBe('138****5678');
      expect(maskField('email', 'zhang.wei@example.com')).toBe('z***@example.com');
      expect(maskField('wechat', 'zhangwei_88')).toBe('zh*********');
      expect(maskField('address', '北京市朝阳区建国路88号')).toBe('北京市朝阳区***');
      expect(maskField('idNumber', '110101199003071234')).toBe('110101********1234');
      expect(maskField('income', 230_000)).toBe('100k–300k');
      expect(maskField('income', '230000')).toBe('***');
      expect(maskField('followUpNotes', '客户想要报价, 电话13812345678')).toBe('***');
    });

    it('leaves business fields unchanged', () => {
      const quote = { amount: 12_000, currency: 'CNY' };
      const products = ['CRM', 'ERP'];
      expect(maskField('company', '北京某某科技有限公司')).toBe('北京某某科技有限公司');
      expect(maskField('products', products)).toBe(products);
      expect(maskField('quote', quote)).toBe(quote);
      expect(maskField('orderStatus', 'shipped')).toBe('shipped');
    });

    it('returns null and undefined as they are', () => {
      for (const field of ['name', 'phone', 'income', 'followUpNotes', 'company'] as const) {
        expect(maskField(field, null)).toBeNull();
        expect(maskField(field, undefined)).toBeUndefined();
      }
    });
  });
});
