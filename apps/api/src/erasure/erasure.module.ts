import { Module } from '@nestjs/common';
import {
  KEY_VAULT,
  type KeyVault,
  type SigningKey,
  signingKeyFrom,
} from '@custodia/crypto-shredding';
import { AccessModule } from '../access/access.module';
import { CustomersModule } from '../customers/customers.module';
import { PrivacyHttpModule } from '../privacy/privacy-http.module';
import { AccessCopy } from './access-copy';
import { ErasureController } from './erasure.controller';
import { ErasureExecutor, SIGNING_KEY } from './erasure.executor';

/** Executing privacy requests: erasure with its signed certificate, and access copies. */
@Module({
  imports: [AccessModule, CustomersModule, PrivacyHttpModule],
  controllers: [ErasureController],
  providers: [
    ErasureExecutor,
    AccessCopy,
    {
      // Derived on first use (one vault round trip), so start-up does not depend on it.
      provide: SIGNING_KEY,
      inject: [KEY_VAULT],
      useFactory: (vault: KeyVault | undefined) => {
        let key: Promise<SigningKey> | undefined;
        return (): Promise<SigningKey> =>
          (key ??=
            vault === undefined
              ? Promise.reject(new Error('no key vault: certificates cannot be signed'))
              : signingKeyFrom(vault));
      },
    },
  ],
})
export class ErasureModule {}
