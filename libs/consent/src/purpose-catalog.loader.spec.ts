import { mkdtempSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { catalogFixture, sha256Of } from '@custodia/testing';
import { ConsentError } from './consent.errors';
import {
  defaultCatalogFiles,
  loadPurposeCatalog,
  type CatalogFiles,
} from './purpose-catalog.loader';
import { noticeViews, purposeViews } from './purpose-catalog.views';

const scratch = (): CatalogFiles & { dir: string } => {
  const dir = mkdtempSync(join(tmpdir(), 'custodia-catalog-'));
  mkdirSync(join(dir, 'notices'));
  return { dir, catalogFile: join(dir, 'purposes.json'), noticesDir: join(dir, 'notices') };
};

const writeFixture = (files: CatalogFiles, catalog: unknown = catalogFixture): void => {
  writeFileSync(files.catalogFile, JSON.stringify(catalog));
  for (const { version, languages } of catalogFixture.notices) {
    for (const language of languages) {
      writeFileSync(
        join(files.noticesDir, `${version}.${language}.md`),
        `# ${version} ${language}\n`,
      );
    }
  }
};

const refusal = async (files: CatalogFiles): Promise<ConsentError> => {
  const error: unknown = await loadPurposeCatalog(files).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof ConsentError)) throw new Error('expected a ConsentError');
  expect(error.code).toBe('CONSENT.CATALOG_INVALID');
  return error;
};

describe(loadPurposeCatalog.name, () => {
  const dirs: string[] = [];
  const files = (): CatalogFiles => {
    const made = scratch();
    dirs.push(made.dir);
    return made;
  };
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('loads the checked-in config/purposes.json with its notices', async () => {
    const sut = await loadPurposeCatalog(defaultCatalogFiles(join(__dirname, '../../..')));
    const purposes = purposeViews(sut);
    expect(purposes.map((p) => p.id)).toEqual(
      expect.arrayContaining([
        'sales_followup',
        'marketing',
        'service',
        'credit_assessment',
        'analytics',
      ]),
    );
    const credit = purposes.find((p) => p.id === 'credit_assessment');
    expect(credit).toMatchObject({ lawfulBasis: 'consent', requiresSeparateConsent: true });
    expect(credit?.fields.filter((f) => f.category === 'sensitive').map((f) => f.name)).toEqual([
      'idNumber',
      'income',
    ]);
    // Analytics holds no direct identifiers or contact details.
    const analytics = purposes.find((p) => p.id === 'analytics');
    expect(analytics?.fields.every((f) => f.category === 'business')).toBe(true);
    // PIPL has no legitimate-interest basis: nothing in the checked-in catalog relies on it.
    expect(purposes.some((p) => p.lawfulBasis === 'legitimate_interests')).toBe(false);
    const notices = noticeViews(sut);
    expect(notices).toContainEqual(
      expect.objectContaining({ purpose: 'credit_assessment', language: 'zh-CN' }),
    );
    expect(notices.every((n) => /^[0-9a-f]{64}$/.test(n.sha256))).toBe(true);
  });

  it('hashes the exact bytes of each notice text', async () => {
    const sut = files();
    writeFixture(sut);
    const catalog = await loadPurposeCatalog(sut);
    const zh = catalog.notices.get('credit-v1')?.texts.find((t) => t.language === 'zh-CN');
    expect(zh).toEqual({
      language: 'zh-CN',
      text: '# credit-v1 zh-CN\n',
      sha256: sha256Of('# credit-v1 zh-CN\n'),
    });
  });

  it('refuses a notice text edited after its hash was declared', async () => {
    const sut = files();
    const declared = structuredClone(catalogFixture) as { notices: Record<string, unknown>[] };
    declared.notices[1].sha256 = { en: sha256Of('# credit-v1 en\n') };
    writeFixture(sut, declared);
    await expect(loadPurposeCatalog(sut)).resolves.toBeDefined();
    writeFileSync(join(sut.noticesDir, 'credit-v1.en.md'), '# credit-v1 en, quietly edited\n');
    expect((await refusal(sut)).message).toContain(
      'notice "credit-v1" (en): the text\'s SHA-256 differs from the declared one',
    );
  });

  it('refuses a missing file, bad JSON, a badly named or empty notice file', async () => {
    const missing = files();
    expect((await refusal(missing)).message).toContain('purposes.json cannot be read (ENOENT)');
    const badJson = files();
    writeFileSync(badJson.catalogFile, '{ "purposes": [');
    expect((await refusal(badJson)).message).toContain('is not valid JSON');
    const badName = files();
    writeFixture(badName);
    writeFileSync(join(badName.noticesDir, 'notice.md'), 'text');
    writeFileSync(join(badName.noticesDir, 'v2.en.md'), '  \n');
    const message = (await refusal(badName)).message;
    expect(message).toContain('notice file notice.md: expected <version>.<language>.md');
    expect(message).toContain('notice file v2.en.md: is empty');
  });

  it('refuses a notice directory that does not exist', async () => {
    const sut = files();
    writeFixture(sut);
    rmSync(sut.noticesDir, { recursive: true });
    expect((await refusal(sut)).message).toContain('cannot be read (ENOENT)');
  });
});
