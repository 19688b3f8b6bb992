import type { MigrationInterface } from 'typeorm';
import { CryptoShreddingInit1796020000000 } from './migrations/1796020000000-crypto-shredding-init.migration';

/** The key vault's schema, composed with the other libraries' migrations by the app. */
export const cryptoShreddingMigrations: readonly (new () => MigrationInterface)[] = [
  CryptoShreddingInit1796020000000,
];
