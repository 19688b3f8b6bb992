import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@custodia/platform';
import { loadBootCatalog } from './purpose-catalog.provider';

describe(loadBootCatalog.name, () => {
  it('loads the checked-in catalog with the identity roles', async () => {
    const sut = await loadBootCatalog();
    expect(sut.purposes.get('sales_followup')?.roles).toEqual(['sales', 'sales_manager']);
  });

  it('turns an invalid catalog into one ConfigError line naming the file', async () => {
    const root = await mkdtemp(join(tmpdir(), 'catalog-'));
    await mkdir(join(root, 'notices'));
    const catalogFile = join(root, 'purposes.json');
    await writeFile(catalogFile, '{ "purposes": [] }');
    const failure = loadBootCatalog({ catalogFile, noticesDir: join(root, 'notices') });
    await expect(failure).rejects.toThrow(ConfigError);
    await expect(failure).rejects.toThrow(/^Invalid configuration: config\/purposes.json [^\n]+$/);
  });
});
