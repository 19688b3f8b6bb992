import { Module } from '@nestjs/common';
import { PrivacyModule } from '@custodia/privacy';
import { DATA_SOURCE } from '@custodia/runtime';
import { LegalHoldsController } from './legal-holds.controller';
import { PrivacyRequestsController } from './privacy-requests.controller';

/**
 * `/v1/privacy-requests` and the legal-hold routes. Registers `PrivacyModule` (global), so the
 * erasure executor injects `PrivacyRequests` without registering it again.
 */
@Module({
  imports: [PrivacyModule.register({ readDatabase: DATA_SOURCE })],
  controllers: [PrivacyRequestsController, LegalHoldsController],
})
export class PrivacyHttpModule {}
