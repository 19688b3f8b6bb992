import {
  Body,
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
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { DataSource } from 'typeorm';
import type { Actor } from '@custodia/identity';
import { CLOCK, type Clock } from '@custodia/platform';
import {
  ChangePrivacyRequestCommand,
  GetPrivacyRequestQuery,
  isOverdue,
  listPrivacyRequests,
  PrivacyError,
  type PrivacyRequest,
  ReceivePrivacyRequestCommand,
  type RequestStep,
} from '@custodia/privacy';
import { DATA_SOURCE } from '@custodia/runtime';
import { commandMetadata } from '../auth/actor-context';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { IdempotencyInterceptor } from '../http/idempotency.interceptor';
import { PrivacyIdPipe } from './privacy-id.pipes';
import {
  CreatedPrivacyRequestResponse,
  CreatePrivacyRequestDto,
  ListPrivacyRequestsQueryDto,
  PrivacyRequestListResponse,
  PrivacyRequestResponse,
  ReasonDto,
} from './privacy.dto';

const DEFAULT_LIMIT = 50;

/**
 * The DPO's privacy requests: receive, verify, start, extend once, reject. Executing an erasure,
 * an access copy or a correction is another route's work; it moves the request on through
 * `PrivacyRequests`.
 */
@ApiTags('privacy')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'Missing or invalid token, or the user has left' })
@ApiForbiddenResponse({ description: 'Only the data protection officer (`dpo`)' })
@Roles('dpo')
@UseInterceptors(IdempotencyInterceptor)
@Controller('privacy-requests')
export class PrivacyRequestsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Record a request; its due date follows from the regime (PIPL default)',
  })
  @ApiCreatedResponse({ type: CreatedPrivacyRequestResponse })
  async create(
    @Body() body: CreatePrivacyRequestDto,
    @CurrentActor() actor: Actor,
  ): Promise<CreatedPrivacyRequestResponse> {
    const { requestId, dueAt } = await this.commands.execute(
      new ReceivePrivacyRequestCommand(
        {
          customerId: body.customerId,
          type: body.type,
          regime: body.regime ?? 'PIPL',
          ...(body.channel === undefined ? {} : { channel: body.channel }),
          ...(body.note === undefined ? {} : { note: body.note }),
        },
        commandMetadata(actor, this.clock),
      ),
    );
    return { id: requestId, dueAt };
  }

  @Get()
  @ApiOperation({ summary: 'List requests, oldest first (read model; may lag briefly)' })
  @ApiOkResponse({ type: PrivacyRequestListResponse })
  async list(@Query() query: ListPrivacyRequestsQueryDto): Promise<PrivacyRequestListResponse> {
    const page = await listPrivacyRequests(this.dataSource, {
      now: this.clock.now(),
      limit: query.limit ?? DEFAULT_LIMIT,
      overdue: query.overdue === 'true',
      ...(query.state === undefined ? {} : { state: query.state }),
      ...(query.type === undefined ? {} : { type: query.type }),
      ...(query.customerId === undefined ? {} : { customerId: query.customerId }),
      ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
    });
    return {
      items: page.items.map(({ requestId, holdIds, ...rest }) => ({
        id: requestId,
        holdIds: [...holdIds],
        ...rest,
      })),
      next: page.next,
    };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One request, as of now (from the log)' })
  @ApiOkResponse({ type: PrivacyRequestResponse })
  async get(@Param('id', PrivacyIdPipe) id: string): Promise<PrivacyRequestResponse> {
    return this.present(await this.load(id));
  }

  @Post(':id/verify')
  @HttpCode(200)
  @ApiOperation({ summary: "received → verified (the requester's identity was checked)" })
  @ApiOkResponse({ type: PrivacyRequestResponse })
  verify(@Param('id', PrivacyIdPipe) id: string, @CurrentActor() actor: Actor) {
    return this.step(id, 'verify', actor);
  }

  @Post(':id/start')
  @HttpCode(200)
  @ApiOperation({ summary: 'verified → in_progress' })
  @ApiOkResponse({ type: PrivacyRequestResponse })
  start(@Param('id', PrivacyIdPipe) id: string, @CurrentActor() actor: Actor) {
    return this.step(id, 'start', actor);
  }

  @Post(':id/extend')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Extend the deadline once, with a reason (PIPL +15 days, GDPR +2 months)',
  })
  @ApiOkResponse({ type: PrivacyRequestResponse })
  extend(
    @Param('id', PrivacyIdPipe) id: string,
    @Body() body: ReasonDto,
    @CurrentActor() actor: Actor,
  ) {
    return this.step(id, 'extend', actor, body.reason);
  }

  @Post(':id/reject')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reject with a reason (from received, verified or in_progress)' })
  @ApiOkResponse({ type: PrivacyRequestResponse })
  reject(
    @Param('id', PrivacyIdPipe) id: string,
    @Body() body: ReasonDto,
    @CurrentActor() actor: Actor,
  ) {
    return this.step(id, 'reject', actor, body.reason);
  }

  private async step(
    id: string,
    step: RequestStep,
    actor: Actor,
    reason?: string,
  ): Promise<PrivacyRequestResponse> {
    await this.commands.execute(
      new ChangePrivacyRequestCommand(id, step, commandMetadata(actor, this.clock), reason),
    );
    return this.present(await this.load(id));
  }

  private async load(id: string): Promise<PrivacyRequest> {
    const request = await this.queries.execute(new GetPrivacyRequestQuery(id));
    if (request === undefined) {
      throw new PrivacyError('PRIVACY.REQUEST_NOT_FOUND', 'no such privacy request', 'id');
    }
    return request;
  }

  private present(request: PrivacyRequest): PrivacyRequestResponse {
    return {
      id: request.requestId,
      customerId: request.customerId,
      type: request.type,
      regime: request.regime,
      state: request.state,
      receivedAt: request.receivedAt,
      dueAt: request.dueAt,
      extended: request.extended,
      overdue: isOverdue(request, this.clock.now()),
      completedAt: request.completedAt,
      holdIds: [...request.holdIds],
      outcome: request.outcome === null ? null : { ...request.outcome },
    };
  }
}
