import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { ProfilePatch } from '@custodia/customers';
import type { Actor, CommandMetadata } from '@custodia/identity';
import { assertMayWorkOn } from './customer-access.policy';
import { CustomerStreamRepository } from './customer-stream.repository';

export class UpdateCustomerProfileCommand extends Command<void> {
  constructor(
    readonly customerId: string,
    readonly changes: ProfilePatch,
    readonly metadata: CommandMetadata,
    readonly actor: Actor,
  ) {
    super();
  }
}

/** PATCH of the profile: a value sets a field (its purpose must be active), `null` removes it. */
@CommandHandler(UpdateCustomerProfileCommand)
export class UpdateCustomerProfileHandler implements ICommandHandler<UpdateCustomerProfileCommand> {
  constructor(private readonly customers: CustomerStreamRepository) {}

  async execute({ customerId, changes, metadata, actor }: UpdateCustomerProfileCommand) {
    await this.customers.executeCustomer(
      {
        type: 'UpdateCustomerProfile',
        data: { customerId, changes, occurredAt: metadata.now, actorId: metadata.actorId },
      },
      metadata,
      (state) => assertMayWorkOn(actor, state),
    );
  }
}
