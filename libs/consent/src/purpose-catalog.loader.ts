import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ConsentError } from './consent.errors';
import { type FoundNoticeText, NOTICE_LANGUAGE, NOTICE_VERSION } from './privacy-notices';
import { type CatalogOptions, parsePurposeCatalog, type PurposeCatalog } from './purpose-catalog';

export type CatalogFiles = {
  /** config/purposes.json */
  readonly catalogFile: string;
  /** config/notices, holding `<version>.<language>.md` */
  readonly noticesDir: string;
};

/** Where the checked-in catalog lives, relative to the project root (the working directory). */
export const defaultCatalogFiles = (root: string = process.cwd()): CatalogFiles => ({
  catalogFile: resolve(root, 'config', 'purposes.json'),
  noticesDir: resolve(root, 'config', 'notices'),
});

const NOTICE_FILE = /^([^.]+)\.([^.]+)\.md$/;

/**
 * Reads and validates the purpose catalog and the notice texts at boot. The SHA-256 of each text
 * is computed here, over its exact bytes, and compared with the hash the catalog declares.
 */
export const loadPurposeCatalog = async (
  files: CatalogFiles = defaultCatalogFiles(),
  options: CatalogOptions = {},
): Promise<PurposeCatalog> => {
  const raw = await readCatalog(files.catalogFile);
  const texts = await readNoticeTexts(files.noticesDir);
  return parsePurposeCatalog(raw, texts, options);
};

const readCatalog = async (file: string): Promise<unknown> => {
  let content: string;
  try {
    content = await readFile(file, 'utf8');
  } catch (error) {
    throw catalogError(`${file} cannot be read (${errorCode(error)})`);
  }
  try {
    return JSON.parse(content) as unknown;
  } catch (error) {
    throw catalogError(`${file} is not valid JSON (${(error as Error).message})`);
  }
};

const readNoticeTexts = async (dir: string): Promise<FoundNoticeText[]> => {
  let names: string[];
  try {
    names = (await readdir(dir)).sort();
  } catch (error) {
    throw catalogError(`notice directory ${dir} cannot be read (${errorCode(error)})`);
  }
  const problems: string[] = [];
  const texts: FoundNoticeText[] = [];
  for (const name of names) {
    if (name.startsWith('.')) continue;
    const match = NOTICE_FILE.exec(name);
    if (!match || !NOTICE_VERSION.test(match[1]) || !NOTICE_LANGUAGE.test(match[2])) {
      problems.push(`notice file ${name}: expected <version>.<language>.md, e.g. 2025-06.zh-CN.md`);
      continue;
    }
    const bytes = await readFile(join(dir, name));
    const text = bytes.toString('utf8');
    if (text.trim() === '') problems.push(`notice file ${name}: is empty`);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    texts.push({ version: match[1], language: match[2], sha256, text });
  }
  if (problems.length > 0) throw catalogError(problems.join('; '));
  return texts;
};

const catalogError = (detail: string): ConsentError =>
  new ConsentError('CONSENT.CATALOG_INVALID', `Invalid purpose catalog: ${detail}`);

const errorCode = (error: unknown): string => (error as NodeJS.ErrnoException).code ?? 'unreadable';
