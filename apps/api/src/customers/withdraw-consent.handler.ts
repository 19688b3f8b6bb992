import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { WithdrawConsent } from '@custodia/consent';
import type { Actor, CommandMetadata } from '@custodia/identity';
import { assertMayWorkOn } from './customer-access.policy';
import { CustomerStreamRepository } from './customer-stream.repository';

export type WithdrawConsentInput = Omit<WithdrawConsent['data'], 'withdrawnAt' | 'actorId'>;

export class WithdrawConsentCommand extends Command<void> {
  constructor(
    readonly input: WithdrawConsentInput,
    readonly metadata: CommandMetadata,
    readonly actor: Actor,
  ) {
    super();
  }
}

/** Takes effect at once: from this event on, nothing is stored or used for the purpose. */
@CommandHandler(WithdrawConsentCommand)
export class WithdrawConsentHandler implements ICommandHandler<WithdrawConsentCommand> {
  constructor(private readonly customers: CustomerStreamRepository) {}

  async execute({ input, metadata, actor }: WithdrawConsentCommand) {
    await this.customers.executeCustomer(
      {
        type: 'WithdrawConsent',
        data: { ...input, withdrawnAt: metadata.now, actorId: metadata.actorId },
      },
      { ...metadata, purpose: input.purpose },
      (state) => assertMayWorkOn(actor, state),
    );
  }
}
