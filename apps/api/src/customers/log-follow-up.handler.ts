import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { LogFollowUp } from '@custodia/follow-ups';
import type { Actor, CommandMetadata } from '@custodia/identity';
import { newId } from '@custodia/platform';
import { assertMayWorkOn } from './customer-access.policy';
import { CustomerStreamRepository } from './customer-stream.repository';

export type LogFollowUpInput = Omit<LogFollowUp['data'], 'followUpId' | 'recordedAt' | 'actorId'>;

export class LogFollowUpCommand extends Command<{ readonly followUpId: string }> {
  constructor(
    readonly input: LogFollowUpInput,
    readonly metadata: CommandMetadata,
    readonly actor: Actor,
  ) {
    super();
  }
}

/** One interaction, on the customer's stream, under a purpose whose consent is active. */
@CommandHandler(LogFollowUpCommand)
export class LogFollowUpHandler implements ICommandHandler<LogFollowUpCommand> {
  constructor(private readonly customers: CustomerStreamRepository) {}

  async execute({ input, metadata, actor }: LogFollowUpCommand) {
    const followUpId = newId();
    await this.customers.executeFollowUp(
      {
        type: 'LogFollowUp',
        data: { ...input, followUpId, recordedAt: metadata.now, actorId: metadata.actorId },
      },
      { ...metadata, purpose: input.purpose },
      (state) => assertMayWorkOn(actor, state),
    );
    return { followUpId };
  }
}
