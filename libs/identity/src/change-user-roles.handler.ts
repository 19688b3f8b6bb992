import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { ChangeUserRoles, CommandMetadata } from './identity.commands';
import { UserRepository } from './user.repository';

export class ChangeUserRolesCommand extends Command<void> implements ChangeUserRoles {
  readonly type = 'ChangeUserRoles';

  constructor(
    readonly data: ChangeUserRoles['data'],
    readonly metadata: CommandMetadata,
  ) {
    super();
  }
}

/** Replaces a user's roles; they apply from the user's next request. */
@CommandHandler(ChangeUserRolesCommand)
export class ChangeUserRolesHandler implements ICommandHandler<ChangeUserRolesCommand> {
  constructor(private readonly users: UserRepository) {}

  async execute(command: ChangeUserRolesCommand): Promise<void> {
    await this.users.execute(command);
  }
}
