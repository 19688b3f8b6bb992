import { Module } from '@nestjs/common';
import { CustomerStreamRegistration } from './customer-stream.registration';
import { purposeCatalogProvider } from './purpose-catalog.provider';
import { PurposesController } from './purposes.controller';

/** The customer stream over HTTP: purposes and notices, customers, consents and follow-ups. */
@Module({
  controllers: [PurposesController],
  providers: [purposeCatalogProvider, CustomerStreamRegistration],
})
export class CustomersModule {}
