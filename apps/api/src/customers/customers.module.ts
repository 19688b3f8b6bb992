import { Module } from '@nestjs/common';
import { IdentityModule } from '@custodia/identity';
import { CustomerStreamRepository } from './customer-stream.repository';
import { CustomersController } from './customers.controller';
import { GrantConsentHandler } from './grant-consent.handler';
import { HandoverController } from './handover.controller';
import { LogFollowUpHandler } from './log-follow-up.handler';
import { purposeCatalogProvider } from './purpose-catalog.provider';
import { PurposesController } from './purposes.controller';
import { RegisterCustomerHandler } from './register-customer.handler';
import { TransferCustomerOwnershipHandler } from './transfer-customer-ownership.handler';
import { UpdateCustomerProfileHandler } from './update-customer-profile.handler';
import { WithdrawConsentHandler } from './withdraw-consent.handler';

/** The customer stream over HTTP: purposes and notices, customers, consents and follow-ups. */
@Module({
  imports: [IdentityModule],
  controllers: [PurposesController, CustomersController, HandoverController],
  providers: [
    purposeCatalogProvider,
    CustomerStreamRepository,
    RegisterCustomerHandler,
    UpdateCustomerProfileHandler,
    TransferCustomerOwnershipHandler,
    GrantConsentHandler,
    WithdrawConsentHandler,
    LogFollowUpHandler,
  ],
  exports: [purposeCatalogProvider, CustomerStreamRepository],
})
export class CustomersModule {}
