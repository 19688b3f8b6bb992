import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { ChangeUserTeam, CommandMetadata } from './identity.commands';
import { UserRepository } from './user.repository';

export class ChangeUserTeamCommand extends Command<void> implements ChangeUserTeam {
  readonly type = 'ChangeUserTeam';

  constructor(
    readonly data: ChangeUserTeam['data'],
    readonly metadata: CommandMetadata,
  ) {
    super();
  }
}

/** Moves a user to another team (or none); it applies from the user's next request. */
@CommandHandler(ChangeUserTeamCommand)
export class ChangeUserTeamHandler implements ICommandHandler<ChangeUserTeamCommand> {
  constructor(private readonly users: UserRepository) {}

  async execute(command: ChangeUserTeamCommand): Promise<void> {
    await this.users.execute(command);
  }
}
