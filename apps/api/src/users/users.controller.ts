import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Put,
  Query,
  UseInterceptors,
} from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import {
  type Actor,
  ChangeUserRolesCommand,
  ChangeUserTeamCommand,
  GetUserQuery,
  GiveOffboardingNoticeCommand,
  hasLeft,
  IdentityError,
  listUsers,
  RegisterUserCommand,
} from '@custodia/identity';
import { CLOCK, type Clock } from '@custodia/platform';
import { DATA_SOURCE } from '@custodia/runtime';
import { commandMetadata } from '../auth/actor-context';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { IdentityProblemsInterceptor } from './identity-problems.interceptor';
import { UserIdPipe } from './user-id.pipe';
import {
  ChangeRolesDto,
  ChangeTeamDto,
  ListUsersQueryDto,
  OffboardingNoticeDto,
  OffboardingResponse,
  RegisterUserDto,
  UserIdResponse,
  UserListResponse,
  UserResponse,
} from './users.dto';

/**
 * The user directory. Admins manage users; giving notice is also open to a sales manager for the
 * sales reps of their own team (the rule lives in `assertMayGiveNotice`).
 */
@ApiTags('users')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'Missing or invalid token, or the user has left' })
@ApiForbiddenResponse({ description: "The caller's roles do not allow this" })
@UseInterceptors(IdentityProblemsInterceptor)
@Controller('users')
export class UsersController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
  ) {}

  @Post()
  @Roles('admin')
  @ApiOperation({ summary: 'Register a user (409 when the id exists)' })
  @ApiCreatedResponse({ type: UserIdResponse })
  async register(
    @Body() body: RegisterUserDto,
    @CurrentActor() actor: Actor,
  ): Promise<UserIdResponse> {
    const { userId } = await this.commands.execute(
      new RegisterUserCommand(
        {
          userId: body.id,
          displayName: body.displayName,
          roles: body.roles,
          team: body.team ?? null,
        },
        commandMetadata(actor, this.clock),
      ),
    );
    return { id: userId };
  }

  @Get()
  @Roles('admin')
  @ApiOperation({ summary: 'List users by id (from the directory read model; may lag briefly)' })
  @ApiOkResponse({ type: UserListResponse })
  async list(@Query() query: ListUsersQueryDto): Promise<UserListResponse> {
    const limit = query.limit ?? 100;
    const entries = await listUsers(this.dataSource, {
      now: this.clock.now(),
      after: query.after,
      limit,
    });
    const items = entries.map(({ userId, roles, ...rest }) => ({
      id: userId,
      roles: [...roles],
      ...rest,
    }));
    return { items, next: entries.length === limit ? (entries.at(-1)?.userId ?? null) : null };
  }

  @Get(':id')
  @Roles('admin')
  @ApiOperation({ summary: 'One user, as of now' })
  @ApiOkResponse({ type: UserResponse })
  async get(@Param('id', UserIdPipe) id: string): Promise<UserResponse> {
    const user = await this.queries.execute(new GetUserQuery(id));
    if (user === undefined) throw new IdentityError('IDENTITY.USER_NOT_FOUND', 'no such user');
    const left = hasLeft(user, this.clock.now());
    return {
      id: user.userId,
      displayName: user.displayName,
      roles: [...user.roles],
      team: user.team,
      status: left ? 'offboarded' : user.leavesAt === null ? 'active' : 'leaving',
      leavesAt: user.leavesAt,
      offboardedAt: user.offboardedAt,
    };
  }

  @Put(':id/roles')
  @HttpCode(204)
  @Roles('admin')
  @ApiOperation({ summary: "Replace a user's roles (effective on their next request)" })
  @ApiNoContentResponse()
  async changeRoles(
    @Param('id', UserIdPipe) id: string,
    @Body() body: ChangeRolesDto,
    @CurrentActor() actor: Actor,
  ): Promise<void> {
    await this.commands.execute(
      new ChangeUserRolesCommand(
        { userId: id, roles: body.roles },
        commandMetadata(actor, this.clock),
      ),
    );
  }

  @Put(':id/team')
  @HttpCode(204)
  @Roles('admin')
  @ApiOperation({ summary: "Change a user's team (effective on their next request)" })
  @ApiNoContentResponse()
  async changeTeam(
    @Param('id', UserIdPipe) id: string,
    @Body() body: ChangeTeamDto,
    @CurrentActor() actor: Actor,
  ): Promise<void> {
    await this.commands.execute(
      new ChangeUserTeamCommand(
        { userId: id, team: body.team },
        commandMetadata(actor, this.clock),
      ),
    );
  }

  @Post(':id/offboarding')
  @Roles('admin', 'sales_manager')
  @ApiOperation({
    summary: 'Give a user notice: access ends at effectiveAt, or at once without it',
    description:
      'Admins may give anyone but themselves notice; a sales manager only the sales reps ' +
      '(users whose only role is `sales`) of their own team.',
  })
  @ApiCreatedResponse({ type: OffboardingResponse })
  async giveNotice(
    @Param('id', UserIdPipe) id: string,
    @Body() body: OffboardingNoticeDto,
    @CurrentActor() actor: Actor,
  ): Promise<OffboardingResponse> {
    const result = await this.commands.execute(
      new GiveOffboardingNoticeCommand(
        {
          userId: id,
          ...(body.effectiveAt === undefined ? {} : { effectiveAt: body.effectiveAt }),
        },
        commandMetadata(actor, this.clock),
        actor,
      ),
    );
    return { id: result.userId, effectiveAt: result.effectiveAt, offboarded: result.offboarded };
  }
}
