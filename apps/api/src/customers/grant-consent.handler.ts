import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { GrantConsent } from '@custodia/consent';
import type { Actor, CommandMetadata } from '@custodia/identity';
import { assertMayWorkOn } from './customer-access.policy';
import { CustomerStreamRepository } from './customer-stream.repository';

export type GrantConsentInput = Omit<GrantConsent['data'], 'grantedAt' | 'actorId'>;

export class GrantConsentCommand extends Command<void> {
  constructor(
    readonly input: GrantConsentInput,
    readonly metadata: CommandMetadata,
    readonly actor: Actor,
  ) {
    super();
  }
}

/** A consent given after registration, on the customer's stream. */
@CommandHandler(GrantConsentCommand)
export class GrantConsentHandler implements ICommandHandler<GrantConsentCommand> {
  constructor(private readonly customers: CustomerStreamRepository) {}

  async execute({ input, metadata, actor }: GrantConsentCommand) {
    await this.customers.executeCustomer(
      {
        type: 'GrantConsent',
        data: { ...input, grantedAt: metadata.now, actorId: metadata.actorId },
      },
      { ...metadata, purpose: input.purpose },
      (state) => assertMayWorkOn(actor, state),
    );
  }
}
