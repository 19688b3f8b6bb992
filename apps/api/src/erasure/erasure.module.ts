import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { CustomersModule } from '../customers/customers.module';
import { PrivacyHttpModule } from '../privacy/privacy-http.module';
import { AccessCopy } from './access-copy';
import { ErasureController } from './erasure.controller';
import { ErasureExecutor } from './erasure.executor';

/** Executing privacy requests: erasure with its signed certificate, and access copies. */
@Module({
  imports: [AccessModule, CustomersModule, PrivacyHttpModule],
  controllers: [ErasureController],
  providers: [ErasureExecutor, AccessCopy],
})
export class ErasureModule {}
