import { type SeededRandom, WeightedTable } from './seeded-random';

/**
 * Chinese personal data that passes the product's own format rules: common surnames weighted
 * by frequency, given-name characters, mainland mobiles on real operator prefixes, 18-digit
 * resident ID numbers (GB 11643-1999) and addresses down to the district.
 */

// Surname, pinyin, share of the population in per mille (approximate, 2020 census order).
const SURNAMES = new WeightedTable<readonly [string, string]>(
  (
    [
      ['王', 'wang', 71],
      ['李', 'li', 70],
      ['张', 'zhang', 67],
      ['刘', 'liu', 54],
      ['陈', 'chen', 45],
      ['杨', 'yang', 31],
      ['黄', 'huang', 22],
      ['赵', 'zhao', 20],
      ['吴', 'wu', 20],
      ['周', 'zhou', 19],
      ['徐', 'xu', 15],
      ['孙', 'sun', 15],
      ['马', 'ma', 12],
      ['朱', 'zhu', 11],
      ['胡', 'hu', 11],
      ['郭', 'guo', 11],
      ['何', 'he', 10],
      ['林', 'lin', 10],
      ['高', 'gao', 10],
      ['罗', 'luo', 9],
      ['郑', 'zheng', 9],
      ['梁', 'liang', 8],
      ['谢', 'xie', 7],
      ['宋', 'song', 6],
      ['唐', 'tang', 6],
      ['许', 'xu', 6],
      ['韩', 'han', 6],
      ['冯', 'feng', 6],
      ['邓', 'deng', 6],
      ['曹', 'cao', 5],
      ['彭', 'peng', 5],
      ['曾', 'zeng', 5],
      ['肖', 'xiao', 5],
      ['田', 'tian', 5],
      ['董', 'dong', 5],
      ['潘', 'pan', 4],
      ['袁', 'yuan', 4],
      ['蔡', 'cai', 4],
      ['蒋', 'jiang', 4],
      ['余', 'yu', 4],
      ['于', 'yu', 4],
      ['杜', 'du', 4],
      ['叶', 'ye', 4],
      ['程', 'cheng', 4],
      ['魏', 'wei', 4],
      ['苏', 'su', 3],
      ['吕', 'lv', 3],
      ['丁', 'ding', 3],
      ['任', 'ren', 3],
      ['沈', 'shen', 3],
      ['姚', 'yao', 3],
      ['卢', 'lu', 3],
      ['傅', 'fu', 3],
      ['钟', 'zhong', 3],
      ['姜', 'jiang', 3],
      ['崔', 'cui', 3],
      ['谭', 'tan', 3],
      ['廖', 'liao', 2],
      ['范', 'fan', 2],
      ['汪', 'wang', 2],
      ['陆', 'lu', 2],
      ['金', 'jin', 2],
      ['石', 'shi', 2],
      ['戴', 'dai', 2],
      ['贾', 'jia', 2],
      ['韦', 'wei', 2],
      ['夏', 'xia', 2],
      ['邱', 'qiu', 2],
      ['方', 'fang', 2],
      ['侯', 'hou', 2],
      ['邹', 'zou', 2],
      ['熊', 'xiong', 2],
      ['孟', 'meng', 2],
      ['秦', 'qin', 2],
      ['白', 'bai', 2],
      ['江', 'jiang', 2],
      ['欧阳', 'ouyang', 1],
      ['司马', 'sima', 0.2],
      ['诸葛', 'zhuge', 0.1],
    ] as const
  ).map(([surname, pinyin, weight]) => [[surname, pinyin], weight] as const),
);

// Given-name characters with their pinyin; names take one or two of them.
const GIVEN = (
  '伟 wei,芳 fang,娜 na,敏 min,静 jing,丽 li,强 qiang,磊 lei,军 jun,洋 yang,勇 yong,艳 yan,' +
  '杰 jie,娟 juan,涛 tao,明 ming,超 chao,秀 xiu,霞 xia,平 ping,刚 gang,桂 gui,英 ying,华 hua,' +
  '玉 yu,兰 lan,萍 ping,鑫 xin,宇 yu,浩 hao,子 zi,轩 xuan,涵 han,欣 xin,怡 yi,梓 zi,博 bo,' +
  '文 wen,晨 chen,雨 yu,佳 jia,思 si,俊 jun,婷 ting,晓 xiao,红 hong,建 jian,国 guo,志 zhi,' +
  '海 hai,波 bo,辉 hui,斌 bin,鹏 peng,飞 fei,琳 lin,颖 ying,倩 qian,雪 xue,慧 hui,宁 ning,' +
  '新 xin,春 chun,梅 mei,凤 feng,龙 long,燕 yan,璐 lu,瑶 yao,琪 qi,悦 yue,诗 shi,嘉 jia,' +
  '泽 ze,铭 ming,昊 hao,然 ran,一 yi,安 an,晴 qing,若 ruo,天 tian,锦 jin,睿 rui,航 hang'
)
  .split(',')
  .map((entry) => entry.split(' ') as [string, string]);

export type PersonName = {
  readonly name: string;
  /** Pinyin of the surname and of the given name, for e-mail and WeChat ids. */
  readonly surnamePinyin: string;
  readonly givenPinyin: string;
};

export const personName = (random: SeededRandom): PersonName => {
  const [surname, surnamePinyin] = SURNAMES.pick(random);
  const parts = random.chance(0.3)
    ? [random.pick(GIVEN)]
    : [random.pick(GIVEN), random.pick(GIVEN)];
  return {
    name: surname + parts.map(([char]) => char).join(''),
    surnamePinyin,
    givenPinyin: parts.map(([, pinyin]) => pinyin).join(''),
  };
};

// Mainland mobile prefixes in use (China Mobile, Unicom, Telecom, Broadnet, MVNOs).
const MOBILE_PREFIXES = new WeightedTable<string>(
  (
    '134 135 136 137 138 139 147 150 151 152 157 158 159 172 178 182 183 184 187 188 195 197 198 ' +
    '130 131 132 145 155 156 166 175 176 185 186 196 133 149 153 173 177 180 181 189 190 191 193 ' +
    '199 192 170 171'
  )
    .split(' ')
    .map((prefix): [string, number] => [prefix, prefix.startsWith('13') ? 3 : 2]),
);

/** 11 digits: a prefix in use, then eight digits. */
export const mobileNumber = (random: SeededRandom): string =>
  MOBILE_PREFIXES.pick(random) + String(random.int(0, 99_999_999)).padStart(8, '0');

export type District = {
  /** GB/T 2260 county-level code: the first six digits of an ID number issued there. */
  readonly code: string;
  readonly province: string;
  readonly city: string;
  readonly district: string;
};

const district = (code: string, province: string, city: string, name: string): District => ({
  code,
  province,
  city,
  district: name,
});

/** Districts of large cities, weighted roughly by where companies are. */
export const DISTRICTS: readonly District[] = [
  district('110101', '北京市', '北京市', '东城区'),
  district('110105', '北京市', '北京市', '朝阳区'),
  district('110108', '北京市', '北京市', '海淀区'),
  district('120101', '天津市', '天津市', '和平区'),
  district('310101', '上海市', '上海市', '黄浦区'),
  district('310104', '上海市', '上海市', '徐汇区'),
  district('310115', '上海市', '上海市', '浦东新区'),
  district('500103', '重庆市', '重庆市', '渝中区'),
  district('440103', '广东省', '广州市', '荔湾区'),
  district('440106', '广东省', '广州市', '天河区'),
  district('440304', '广东省', '深圳市', '福田区'),
  district('440305', '广东省', '深圳市', '南山区'),
  district('441900', '广东省', '东莞市', '东莞市'),
  district('330102', '浙江省', '杭州市', '上城区'),
  district('330106', '浙江省', '杭州市', '西湖区'),
  district('330203', '浙江省', '宁波市', '海曙区'),
  district('320102', '江苏省', '南京市', '玄武区'),
  district('320505', '江苏省', '苏州市', '虎丘区'),
  district('510104', '四川省', '成都市', '锦江区'),
  district('510107', '四川省', '成都市', '武侯区'),
  district('420106', '湖北省', '武汉市', '武昌区'),
  district('610113', '陕西省', '西安市', '雁塔区'),
  district('370102', '山东省', '济南市', '历下区'),
  district('370202', '山东省', '青岛市', '市南区'),
  district('430102', '湖南省', '长沙市', '芙蓉区'),
  district('350203', '福建省', '厦门市', '思明区'),
  district('410105', '河南省', '郑州市', '金水区'),
  district('210102', '辽宁省', '沈阳市', '和平区'),
  district('340104', '安徽省', '合肥市', '蜀山区'),
  district('530102', '云南省', '昆明市', '五华区'),
  district('360102', '江西省', '南昌市', '东湖区'),
  district('130102', '河北省', '石家庄市', '长安区'),
];

const STREETS = [
  '中山路',
  '人民路',
  '解放路',
  '建设路',
  '和平路',
  '新华路',
  '文化路',
  '长江路',
  '黄河路',
  '胜利路',
  '青年路',
  '科技路',
  '滨江大道',
  '东风路',
  '学院路',
  '工业大道',
  '迎宾路',
  '花园路',
];
const COMPOUNDS = ['花园', '小区', '公寓', '家园', '苑', '国际广场', '大厦'];
const COMPOUND_NAMES = [
  '阳光',
  '锦绣',
  '翠湖',
  '金色',
  '幸福',
  '华庭',
  '碧桂',
  '绿城',
  '万科',
  '世纪',
];

/** Province, city, district, street and number; a flat in a compound for most. */
export const address = (random: SeededRandom, where: District = random.pick(DISTRICTS)): string => {
  const city = where.city === where.province ? where.city : where.province + where.city;
  const district = where.district === where.city ? '' : where.district;
  const street = `${random.pick(STREETS)}${random.int(1, 999)}号`;
  if (random.chance(0.3)) return `${city}${district}${street}`;
  const compound = `${random.pick(COMPOUND_NAMES)}${random.pick(COMPOUNDS)}`;
  return `${city}${district}${street}${compound}${random.int(1, 30)}栋${random.int(1, 6)}单元${random.int(1, 33)}${String(random.int(1, 4)).padStart(2, '0')}室`;
};

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** ISO 7064 MOD 11-2 check character of the first 17 digits (GB 11643-1999). */
export const residentIdCheckDigit = (first17: string): string => {
  if (!/^\d{17}$/.test(first17)) throw new RangeError('expected 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += ID_WEIGHTS[i] * (first17.charCodeAt(i) - 48);
  return ID_CHECK[sum % 11];
};

const DAY_MS = 86_400_000;

/**
 * An 18-digit resident ID number: a district code, a birth date making the person 20 to 65 years
 * old at `asOf`, a three-digit sequence (odd for men, even for women) and the check digit.
 */
export const residentIdNumber = (
  random: SeededRandom,
  asOf: Date,
  where: District = random.pick(DISTRICTS),
): string => {
  const ageDays = random.int(20 * 365 + 5, 65 * 365);
  const birth = new Date(
    Date.UTC(asOf.getUTCFullYear(), asOf.getUTCMonth(), asOf.getUTCDate()) - ageDays * DAY_MS,
  );
  const date = birth.toISOString().slice(0, 10).replace(/-/g, '');
  const sequence = String(random.int(1, 999)).padStart(3, '0');
  const first17 = `${where.code}${date}${sequence}`;
  return first17 + residentIdCheckDigit(first17);
};

const MAIL_DOMAINS = new WeightedTable<string>([
  ['qq.com', 30],
  ['163.com', 20],
  ['126.com', 8],
  ['sina.com', 5],
  ['foxmail.com', 5],
  ['outlook.com', 4],
  ['gmail.com', 3],
  ['139.com', 3],
  ['aliyun.com', 2],
]);

/** Pinyin-based or a QQ number, on a common Chinese mail domain. */
export const emailAddress = (random: SeededRandom, person: PersonName): string => {
  const domain = MAIL_DOMAINS.pick(random);
  if (domain === 'qq.com' && random.chance(0.6))
    return `${random.int(10_000_000, 3_999_999_999)}@qq.com`;
  const separator = random.pick(['', '.', '_']);
  const suffix = random.chance(0.7) ? String(random.int(1, 9999)) : '';
  return `${person.givenPinyin}${separator}${person.surnamePinyin}${suffix}@${domain}`;
};

/** `wxid_` style or pinyin plus digits: 6–20 characters starting with a letter. */
export const wechatId = (random: SeededRandom, person: PersonName): string => {
  if (random.chance(0.4)) {
    const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
    let id = 'wxid_';
    for (let i = 0; i < 12; i++) id += alphabet[random.int(0, alphabet.length - 1)];
    return id;
  }
  const base = `${person.surnamePinyin}${person.givenPinyin}`.slice(0, 14);
  return `${base}${random.int(10, 999_999)}`.slice(0, 20).padEnd(6, '8');
};
