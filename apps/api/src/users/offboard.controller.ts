import {
  Controller,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  UseInterceptors,
} from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { type AccessReport, AccessTimelineQueries } from '@custodia/access';
import {
  type Actor,
  assertMayGiveNotice,
  CompleteOffboardingCommand,
  GetUserQuery,
  GiveOffboardingNoticeCommand,
  hasLeft,
  IdentityError,
  type User,
} from '@custodia/identity';
import { CLOCK, type Clock } from '@custodia/platform';
import { DATA_SOURCE } from '@custodia/runtime';
import { commandMetadata } from '../auth/actor-context';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { IdentityProblemsInterceptor } from './identity-problems.interceptor';
import { AccessReportQueryDto, AccessReportResponse, OffboardResponse } from './offboard.dto';
import { UserIdPipe } from './user-id.pipe';

/**
 * Who may read a user's access report: an admin, the DPO or an auditor for anyone; a sales
 * manager for the sales reps of their own team (the same people they may give notice).
 */
const assertMayReadReport = (actor: Actor, target: User | undefined): User => {
  const anyone = actor.roles.some(
    (role) => role === 'admin' || role === 'dpo' || role === 'auditor',
  );
  // Only those who may see anyone's report learn whether an id exists.
  if (target === undefined && anyone)
    throw new IdentityError('IDENTITY.USER_NOT_FOUND', 'no such user');
  const ownRep =
    target !== undefined &&
    actor.roles.includes('sales_manager') &&
    actor.team !== null &&
    target.team === actor.team &&
    target.roles.every((role) => role === 'sales');
  if (target === undefined || !(anyone || ownRep))
    throw new IdentityError('IDENTITY.FORBIDDEN', "you may not read this user's access report");
  return target;
};

/** A rep's departure: end access at once, and see what they accessed before they left. */
@ApiTags('users')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'Missing or invalid token, or the user has left' })
@ApiForbiddenResponse({ description: "The caller's roles do not allow this" })
@ApiNotFoundResponse({ description: 'No such user (told only to those who may act on anyone)' })
@UseInterceptors(IdentityProblemsInterceptor)
@Controller('users')
export class OffboardController {
  private readonly timeline: AccessTimelineQueries;

  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(DATA_SOURCE) dataSource: DataSource,
  ) {
    this.timeline = new AccessTimelineQueries(dataSource);
  }

  @Post(':id/offboard')
  @HttpCode(200)
  @Roles('admin', 'sales_manager')
  @ApiOperation({
    summary: "End a user's access now (their next request is refused with 401)",
    description:
      'Same rule as giving notice: admins for anyone but themselves, a sales manager for the ' +
      'sales reps of their team. A pending notice is brought forward; repeating it is a no-op.',
  })
  @ApiOkResponse({ type: OffboardResponse })
  async offboard(
    @Param('id', UserIdPipe) id: string,
    @CurrentActor() actor: Actor,
  ): Promise<OffboardResponse> {
    const user = await this.queries.execute(new GetUserQuery(id));
    assertMayGiveNotice(actor, user ?? null);
    if (user === undefined) throw new IdentityError('IDENTITY.USER_NOT_FOUND', 'no such user');
    if (user.offboardedAt !== null) return { id, offboardedAt: user.offboardedAt };
    const metadata = commandMetadata(actor, this.clock);
    if (user.leavesAt !== null && hasLeft(user, new Date(metadata.now))) {
      // The notice has taken effect but the sweep has not recorded the exit yet: record it now.
      await this.commands.execute(new CompleteOffboardingCommand({ userId: id }, metadata));
      return { id, offboardedAt: user.leavesAt };
    }
    // No effectiveAt: the decider records the notice and the exit at `now`, in one append.
    const result = await this.commands.execute(
      new GiveOffboardingNoticeCommand({ userId: id }, metadata, actor),
    );
    return { id, offboardedAt: result.effectiveAt };
  }

  @Get(':id/access-report')
  @Roles('admin', 'sales_manager', 'dpo', 'auditor')
  @ApiOperation({
    summary: 'What a user viewed, revealed and exported: counts and customer ids only',
    description:
      'From the access timeline (a read model; may lag the log briefly). Admins, the DPO and ' +
      'auditors for anyone; a sales manager for the sales reps of their team.',
  })
  @ApiOkResponse({ type: AccessReportResponse })
  async accessReport(
    @Param('id', UserIdPipe) id: string,
    @Query() query: AccessReportQueryDto,
    @CurrentActor() actor: Actor,
  ): Promise<AccessReport> {
    assertMayReadReport(actor, await this.queries.execute(new GetUserQuery(id)));
    return this.timeline.accessReport(
      id,
      query.since === undefined ? {} : { since: new Date(query.since) },
    );
  }
}
