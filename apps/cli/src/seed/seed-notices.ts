import type { PurposeCatalog } from '@custodia/consent';
import type { SeededRandom } from './seeded-random';

export type NoticeShown = { readonly noticeVersion: string; readonly noticeSha256: string };

/** The catalog's notice for the purpose, in Chinese for most customers, English for some. */
export const noticeFor = (
  catalog: PurposeCatalog,
  purpose: string,
  random: SeededRandom,
): NoticeShown => {
  const notice = [...catalog.notices.values()].find((n) => n.purposes.includes(purpose));
  if (notice === undefined) throw new Error(`no privacy notice covers purpose ${purpose}`);
  const chinese = notice.texts.find((t) => t.language === 'zh-CN');
  const text = chinese !== undefined && random.chance(0.9) ? chinese : random.pick(notice.texts);
  return { noticeVersion: notice.version, noticeSha256: text.sha256 };
};
