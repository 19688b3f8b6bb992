import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type Actor, type CommandMetadata, UserRepository } from '@custodia/identity';
import { assertMayTransfer, ownerTeam } from './customer-access.policy';
import { CustomerStreamRepository } from './customer-stream.repository';

export class TransferCustomerOwnershipCommand extends Command<void> {
  constructor(
    readonly customerId: string,
    readonly ownerId: string,
    readonly metadata: CommandMetadata,
    readonly actor: Actor,
  ) {
    super();
  }
}

/** Handover to another rep; the customer moves to the new owner's team. */
@CommandHandler(TransferCustomerOwnershipCommand)
export class TransferCustomerOwnershipHandler implements ICommandHandler<TransferCustomerOwnershipCommand> {
  constructor(
    private readonly customers: CustomerStreamRepository,
    private readonly users: UserRepository,
  ) {}

  async execute({ customerId, ownerId, metadata, actor }: TransferCustomerOwnershipCommand) {
    const owner = await this.users.load(ownerId);
    const team = ownerTeam(actor, owner.state, new Date(metadata.now));
    await this.customers.executeCustomer(
      {
        type: 'TransferCustomerOwnership',
        data: { customerId, ownerId, team, occurredAt: metadata.now, actorId: metadata.actorId },
      },
      metadata,
      (state) => assertMayTransfer(actor, state),
    );
  }
}
