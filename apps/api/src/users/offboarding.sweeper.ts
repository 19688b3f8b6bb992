import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { WrongExpectedRevision } from '@custodia/event-store';
import { CompleteOffboardingCommand, findDueOffboardings, IdentityError } from '@custodia/identity';
import { CLOCK, type Clock } from '@custodia/platform';
import { DATA_SOURCE } from '@custodia/runtime';

const SWEEP_INTERVAL_MS = 30_000;
const BATCH = 100;
/** Not a valid user id, so never mistaken for a person. */
export const SWEEPER_ACTOR_ID = '$offboarding-sweep';

/**
 * Records `UserOffboarded` for notices that have taken effect. Access already ended at the
 * effective time (the guard checks the notice itself); this only writes the exit into the log.
 * Every replica may sweep: the decider makes a second completion a no-op.
 */
@Injectable()
export class OffboardingSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('OffboardingSweeper');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(
    private readonly commands: CommandBus,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweepOnce(), SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Completes due offboardings; resolves to how many exits it recorded (never rejects). */
  sweepOnce(): Promise<number> {
    this.running ??= this.sweep()
      .catch((error: unknown) => {
        this.logger.warn(
          { error: error instanceof Error ? error.name : typeof error },
          'Sweep failed',
        );
        return 0;
      })
      .finally(() => (this.running = undefined));
    return this.running;
  }

  private async sweep(): Promise<number> {
    const now = this.clock.now();
    const due = await findDueOffboardings(this.dataSource, now, BATCH);
    let recorded = 0;
    for (const userId of due) {
      try {
        const result = await this.commands.execute(
          new CompleteOffboardingCommand(
            { userId },
            { actorId: SWEEPER_ACTOR_ID, now: now.toISOString() },
          ),
        );
        if (result.recorded) recorded += 1;
      } catch (error) {
        // Another replica got there first, or the notice moved: the next sweep sees the truth.
        if (!(error instanceof IdentityError) && !(error instanceof WrongExpectedRevision))
          throw error;
      }
    }
    return recorded;
  }
}
