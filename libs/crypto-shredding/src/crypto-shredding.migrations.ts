import type { MigrationInterface } from 'typeorm';
import { CryptoShreddingInit1796020000000 } from './migrations/1796020000000-crypto-shredding-init.migration';
import { CryptoCreateDataKeys1796020000001 } from './migrations/1796020000001-crypto-create-data-keys.migration';

/** The key vault's schema, composed with the other libraries' migrations by the app. */
export const cryptoShreddingMigrations: readonly (new () => MigrationInterface)[] = [
  CryptoShreddingInit1796020000000,
  CryptoCreateDataKeys1796020000001,
];
