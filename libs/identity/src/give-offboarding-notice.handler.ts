import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandMetadata, GiveOffboardingNotice } from './identity.commands';
import { assertMayGiveNotice, type Actor } from './user-access.policy';
import { UserRepository } from './user.repository';

export type OffboardingNoticeResult = {
  readonly userId: string;
  /** When access ends (ISO-8601). */
  readonly effectiveAt: string;
  /** True when the user has left already (no `effectiveAt` was given). */
  readonly offboarded: boolean;
};

export class GiveOffboardingNoticeCommand
  extends Command<OffboardingNoticeResult>
  implements GiveOffboardingNotice
{
  readonly type = 'GiveOffboardingNotice';

  constructor(
    readonly data: GiveOffboardingNotice['data'],
    readonly metadata: CommandMetadata,
    /** Who asks: the rule of who may give notice depends on their roles and team. */
    readonly actor: Actor,
  ) {
    super();
  }
}

@CommandHandler(GiveOffboardingNoticeCommand)
export class GiveOffboardingNoticeHandler implements ICommandHandler<GiveOffboardingNoticeCommand> {
  constructor(private readonly users: UserRepository) {}

  async execute(command: GiveOffboardingNoticeCommand): Promise<OffboardingNoticeResult> {
    await this.users.execute(command, (target) => assertMayGiveNotice(command.actor, target));
    // Read back rather than re-derive: a repeated notice appends nothing but still answers.
    const { state } = await this.users.load(command.data.userId);
    return {
      userId: command.data.userId,
      effectiveAt: state?.leavesAt ?? command.metadata.now,
      offboarded: state !== null && state.offboardedAt !== null,
    };
  }
}
