import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { RegisterCustomer } from '@custodia/customers';
import { type Actor, type CommandMetadata, UserRepository } from '@custodia/identity';
import { newId } from '@custodia/platform';
import { ownerTeam } from './customer-access.policy';
import { CustomerStreamRepository } from './customer-stream.repository';

export type RegisterCustomerInput = Omit<
  RegisterCustomer['data'],
  'customerId' | 'team' | 'ownerId' | 'occurredAt' | 'actorId'
> & { readonly ownerId?: string };

export class RegisterCustomerCommand extends Command<{ readonly customerId: string }> {
  constructor(
    readonly input: RegisterCustomerInput,
    readonly metadata: CommandMetadata,
    readonly actor: Actor,
  ) {
    super();
  }
}

/** A new `Customer-<id>`: profile, owner, team (the owner's) and consents in one append. */
@CommandHandler(RegisterCustomerCommand)
export class RegisterCustomerHandler implements ICommandHandler<RegisterCustomerCommand> {
  constructor(
    private readonly customers: CustomerStreamRepository,
    private readonly users: UserRepository,
  ) {}

  async execute({
    input,
    metadata,
    actor,
  }: RegisterCustomerCommand): Promise<{ readonly customerId: string }> {
    const ownerId = input.ownerId ?? actor.userId;
    const owner = await this.users.load(ownerId);
    const team = ownerTeam(actor, owner.state, new Date(metadata.now));
    const customerId = newId();
    await this.customers.executeCustomer(
      {
        type: 'RegisterCustomer',
        data: {
          customerId,
          profile: input.profile,
          consents: input.consents,
          ...(input.lawfulBases === undefined ? {} : { lawfulBases: input.lawfulBases }),
          ownerId,
          team,
          occurredAt: metadata.now,
          actorId: metadata.actorId,
        },
      },
      metadata,
    );
    return { customerId };
  }
}
