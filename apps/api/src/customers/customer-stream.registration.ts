import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { PERSONAL_DATA_REGISTRY, type PersonalDataRegistry } from '@custodia/crypto-shredding';
import { customerStreamPersonalData } from '@custodia/follow-ups';

/**
 * Declares the personal fields of every event type of `Customer-<id>` to the app's registry, so
 * the encrypting event store seals them before the first customer command can run.
 */
@Injectable()
export class CustomerStreamRegistration implements OnModuleInit {
  constructor(@Inject(PERSONAL_DATA_REGISTRY) private readonly registry: PersonalDataRegistry) {}

  onModuleInit(): void {
    this.registry.registerAll(customerStreamPersonalData);
  }
}
