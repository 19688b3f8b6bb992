import { Module } from '@nestjs/common';
import { CustomersModule } from '../customers/customers.module';
import { PrivacyHttpModule } from '../privacy/privacy-http.module';
import { RetentionSweeper } from './retention.sweeper';

/** Retention: erasure requests that open by themselves when a customer's data is due to go. */
@Module({
  imports: [CustomersModule, PrivacyHttpModule],
  providers: [RetentionSweeper],
  exports: [RetentionSweeper],
})
export class RetentionModule {}
