import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandMetadata, RegisterUser } from './identity.commands';
import { UserRepository } from './user.repository';

export class RegisterUserCommand
  extends Command<{ readonly userId: string }>
  implements RegisterUser
{
  readonly type = 'RegisterUser';

  constructor(
    readonly data: RegisterUser['data'],
    readonly metadata: CommandMetadata,
  ) {
    super();
  }
}

/** Appends `UserRegistered` to a new `User-<id>` stream; an existing stream is refused. */
@CommandHandler(RegisterUserCommand)
export class RegisterUserHandler implements ICommandHandler<RegisterUserCommand> {
  constructor(private readonly users: UserRepository) {}

  async execute(command: RegisterUserCommand): Promise<{ readonly userId: string }> {
    await this.users.execute(command);
    return { userId: command.data.userId };
  }
}
