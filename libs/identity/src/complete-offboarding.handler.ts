import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandMetadata, CompleteOffboarding } from './identity.commands';
import { UserRepository } from './user.repository';

export class CompleteOffboardingCommand
  extends Command<{ readonly recorded: boolean }>
  implements CompleteOffboarding
{
  readonly type = 'CompleteOffboarding';

  constructor(
    readonly data: CompleteOffboarding['data'],
    readonly metadata: CommandMetadata,
  ) {
    super();
  }
}

/** Records `UserOffboarded` once a notice has taken effect; a second run records nothing. */
@CommandHandler(CompleteOffboardingCommand)
export class CompleteOffboardingHandler implements ICommandHandler<CompleteOffboardingCommand> {
  constructor(private readonly users: UserRepository) {}

  async execute(command: CompleteOffboardingCommand): Promise<{ readonly recorded: boolean }> {
    const events = await this.users.execute(command);
    return { recorded: events.length > 0 };
  }
}
