import type { FactoryProvider } from '@nestjs/common';
import {
  type CatalogFiles,
  ConsentError,
  defaultCatalogFiles,
  loadPurposeCatalog,
  type PurposeCatalog,
} from '@custodia/consent';
import { ROLES } from '@custodia/identity';
import { ConfigError } from '@custodia/platform';

/** Nest token of the purpose catalog, loaded and validated once at boot. */
export const PURPOSE_CATALOG = Symbol('PURPOSE_CATALOG');

/**
 * Loads config/purposes.json and the notices. An invalid catalog is an operator's mistake: it
 * becomes a ConfigError, which the runtime prints as one line before exiting.
 */
export const loadBootCatalog = async (
  files: CatalogFiles = defaultCatalogFiles(),
): Promise<PurposeCatalog> => {
  try {
    return await loadPurposeCatalog(files, { knownRoles: ROLES });
  } catch (error) {
    if (!(error instanceof ConsentError)) throw error;
    throw new ConfigError('config/purposes.json', error.message.replace(/\s*\n\s*/g, '; '));
  }
};

export const purposeCatalogProvider: FactoryProvider<Promise<PurposeCatalog>> = {
  provide: PURPOSE_CATALOG,
  useFactory: () => loadBootCatalog(),
};
