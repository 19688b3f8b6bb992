import { asObject, checkKeys, type Issues, list, text } from './catalog-input';

/** One language's text of a notice, as the customer saw it; `sha256` is over its UTF-8 bytes. */
export type NoticeText = {
  readonly language: string;
  readonly sha256: string;
  readonly text: string;
};

/** A privacy notice version (PIPL art. 17, GDPR art. 13): which purposes it tells about. */
export type PrivacyNotice = {
  readonly version: string;
  readonly purposes: readonly string[];
  readonly texts: readonly NoticeText[];
};

/** A text found on disk as `config/notices/<version>.<language>.md`, hashed by the loader. */
export type FoundNoticeText = NoticeText & { readonly version: string };

// No dots in a version: the file name `<version>.<language>.md` must split one way only.
export const NOTICE_VERSION = /^[a-z0-9][a-z0-9-]{0,63}$/;
export const NOTICE_LANGUAGE = /^[a-z]{2}(?:-[A-Z]{2})?$/;
const SHA256 = /^[0-9a-f]{64}$/;

const NOTICE_KEYS = ['version', 'purposes', 'languages', 'sha256', '$comment'];

/**
 * Registers the notices declared in the catalog against the texts found on disk: every declared
 * language needs its text, a declared hash must match the text (a changed text needs a new
 * version, since consents point at the hash), and no text may lie on disk unregistered.
 */
export const parseNotices = (
  raw: unknown,
  purposeIds: ReadonlySet<string>,
  found: readonly FoundNoticeText[],
  issues: Issues,
): Map<string, PrivacyNotice> => {
  const notices = new Map<string, PrivacyNotice>();
  if (!Array.isArray(raw)) {
    issues.push('catalog: "notices" must be an array');
    return notices;
  }
  raw.forEach((entry, index) => {
    const notice = parseNotice(entry, index, purposeIds, found, issues);
    if (!notice) return;
    if (notices.has(notice.version)) issues.push(`notice "${notice.version}": declared twice`);
    else notices.set(notice.version, notice);
  });
  for (const file of found) {
    const declared = notices.get(file.version)?.texts.some((t) => t.language === file.language);
    const versionFailed = !notices.has(file.version) && declaredVersion(raw, file.version);
    if (!declared && !versionFailed) {
      issues.push(`notice "${file.version}" (${file.language}): text on disk is not registered`);
    }
  }
  for (const id of purposeIds) {
    if (![...notices.values()].some((n) => n.purposes.includes(id))) {
      issues.push(`purpose "${id}": no privacy notice covers it (PIPL art. 17)`);
    }
  }
  return notices;
};

const parseNotice = (
  entry: unknown,
  index: number,
  purposeIds: ReadonlySet<string>,
  found: readonly FoundNoticeText[],
  issues: Issues,
): PrivacyNotice | undefined => {
  const object = asObject(entry);
  if (!object) {
    issues.push(`notices[${index}]: must be an object`);
    return undefined;
  }
  const rawVersion = object.version;
  const where =
    typeof rawVersion === 'string' ? `notice "${rawVersion}"` : `notices[${String(index)}]`;
  const before = issues.length;
  checkKeys(object, NOTICE_KEYS, where, issues);
  const version = text(object, 'version', where, issues);
  if (version !== undefined && !NOTICE_VERSION.test(version)) {
    issues.push(`${where}: "version" must match ${String(NOTICE_VERSION)}`);
  }
  const purposes = list(
    object,
    'purposes',
    where,
    issues,
    (id) => purposeIds.has(id),
    'which is not a purpose of the catalog',
  );
  const languages = list(
    object,
    'languages',
    where,
    issues,
    (language) => NOTICE_LANGUAGE.test(language),
    'which is not a language tag like zh-CN or en',
  );
  const declaredHashes = parseHashes(object.sha256, languages ?? [], where, issues);
  const texts = (languages ?? []).flatMap((language): NoticeText[] => {
    const file = found.find((f) => f.version === version && f.language === language);
    if (!file) {
      issues.push(
        `${where} (${language}): text config/notices/${version}.${language}.md is missing`,
      );
      return [];
    }
    const declared = declaredHashes.get(language);
    if (declared !== undefined && declared !== file.sha256) {
      issues.push(
        `${where} (${language}): the text's SHA-256 differs from the declared one; a changed text needs a new version`,
      );
    }
    return [{ language, sha256: file.sha256, text: file.text }];
  });
  if (issues.length > before || !version || !purposes) return undefined;
  return { version, purposes, texts };
};

const parseHashes = (
  value: unknown,
  languages: readonly string[],
  where: string,
  issues: Issues,
): Map<string, string> => {
  const hashes = new Map<string, string>();
  if (value === undefined) return hashes;
  const object = asObject(value);
  if (!object) {
    issues.push(`${where}: "sha256" must map languages to hashes`);
    return hashes;
  }
  for (const [language, hash] of Object.entries(object)) {
    if (!languages.includes(language)) {
      issues.push(`${where}: "sha256" names language "${language}", which is not declared`);
    } else if (typeof hash !== 'string' || !SHA256.test(hash)) {
      issues.push(`${where}: "sha256" for ${language} must be 64 lowercase hex digits`);
    } else hashes.set(language, hash);
  }
  return hashes;
};

// A text whose notice entry failed to parse is already reported through that entry.
const declaredVersion = (raw: readonly unknown[], version: string): boolean =>
  raw.some((entry) => asObject(entry)?.version === version);
