import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Injectable,
  Param,
  type PipeTransform,
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
import { isUUID } from 'class-validator';
import type { DataSource } from 'typeorm';
import {
  ChangeIncidentStatusCommand,
  GetIncidentQuery,
  type Incident,
  IncidentError,
  isNotificationOverdue,
  listIncidents,
  notificationDeadlines,
  OpenIncidentCommand,
} from '@custodia/audit';
import type { Actor } from '@custodia/identity';
import { CLOCK, type Clock } from '@custodia/platform';
import { DATA_SOURCE } from '@custodia/runtime';
import { commandMetadata } from '../auth/actor-context';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { IdempotencyInterceptor } from '../http/idempotency.interceptor';
import { RequestValidationException } from '../http/problem-details';
import {
  ChangeIncidentStatusDto,
  IncidentListResponse,
  IncidentResponse,
  ListIncidentsQueryDto,
  OpenIncidentDto,
} from './incidents.dto';

const DEFAULT_LIMIT = 50;

/** An incident id in the path: a UUID (400 naming `id` otherwise). */
@Injectable()
export class IncidentIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!isUUID(value)) throw new RequestValidationException([{ field: 'id', rule: 'isUuid' }]);
    return value;
  }
}

/**
 * The incident register. The DPO opens incidents and moves them on (open → contained →
 * notified → closed); the auditor and the DPO read them. The scope is computed from the access
 * log when the incident is opened and kept with it: ids, field names and counts only.
 */
@ApiTags('incidents')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'Missing or invalid token, or the user has left' })
@ApiForbiddenResponse({ description: 'Reads: `auditor` or `dpo`; writes: `dpo` only' })
@UseInterceptors(IdempotencyInterceptor)
@Controller('incidents')
export class IncidentsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
  ) {}

  @Post()
  @Roles('dpo')
  @ApiOperation({
    summary:
      'Open an incident: its scope (customers, fields clear or masked, actors) is computed from the access log for the window (and suspected actor); deadlines GDPR 72 h, PIPL immediately',
  })
  @ApiCreatedResponse({ type: IncidentResponse })
  async open(
    @Body() body: OpenIncidentDto,
    @CurrentActor() actor: Actor,
  ): Promise<IncidentResponse> {
    const incident = await this.commands.execute(
      new OpenIncidentCommand(
        {
          description: body.description,
          window: { from: body.window.from, to: body.window.to },
          ...(body.suspectedActor === undefined ? {} : { suspectedActorId: body.suspectedActor }),
          ...(body.awareAt === undefined ? {} : { awareAt: body.awareAt }),
        },
        commandMetadata(actor, this.clock),
      ),
    );
    return this.present(incident);
  }

  @Get()
  @Roles('auditor', 'dpo')
  @ApiOperation({ summary: 'List incidents, newest first (read model; may lag briefly)' })
  @ApiOkResponse({ type: IncidentListResponse })
  async list(@Query() query: ListIncidentsQueryDto): Promise<IncidentListResponse> {
    const now = this.clock.now();
    const page = await listIncidents(this.dataSource, {
      limit: query.limit ?? DEFAULT_LIMIT,
      ...(query.status === undefined ? {} : { status: query.status }),
      ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
    });
    return {
      items: page.items.map(({ incidentId, suspectedActorId, deadlines, scope, ...rest }) => ({
        id: incidentId,
        ...rest,
        suspectedActor: suspectedActorId,
        // The register keeps both due times; the regimes' wording comes from the one definition.
        deadlines: notificationDeadlines(rest.awareAt).map((deadline) => {
          const dueAt = deadlines[deadline.regime];
          return { ...deadline, dueAt, overdue: isNotificationOverdue(rest, { dueAt }, now) };
        }),
        scope: { ...scope, actorIds: [...scope.actorIds], fields: [...scope.fields] },
      })),
      next: page.next,
    };
  }

  @Get(':id')
  @Roles('auditor', 'dpo')
  @ApiOperation({ summary: 'One incident with its fixed scope and history (from the log)' })
  @ApiOkResponse({ type: IncidentResponse })
  async get(@Param('id', IncidentIdPipe) id: string): Promise<IncidentResponse> {
    const incident = await this.queries.execute(new GetIncidentQuery(id));
    if (incident === undefined) {
      throw new IncidentError('INCIDENT.NOT_FOUND', 'no such incident', 'id');
    }
    return this.present(incident);
  }

  @Post(':id/status')
  @HttpCode(200)
  @Roles('dpo')
  @ApiOperation({
    summary:
      'Move forward: open → contained → notified → closed; skipping a status needs a note; never back (409)',
  })
  @ApiOkResponse({ type: IncidentResponse })
  async changeStatus(
    @Param('id', IncidentIdPipe) id: string,
    @Body() body: ChangeIncidentStatusDto,
    @CurrentActor() actor: Actor,
  ): Promise<IncidentResponse> {
    const incident = await this.commands.execute(
      new ChangeIncidentStatusCommand(
        id,
        body.status,
        commandMetadata(actor, this.clock),
        body.note,
      ),
    );
    return this.present(incident);
  }

  private present(incident: Incident): IncidentResponse {
    const now = this.clock.now();
    return {
      id: incident.incidentId,
      status: incident.status,
      description: incident.description,
      window: { ...incident.window },
      suspectedActor: incident.suspectedActorId,
      awareAt: incident.awareAt,
      openedAt: incident.openedAt,
      deadlines: incident.deadlines.map((deadline) => ({
        ...deadline,
        overdue: isNotificationOverdue(incident, deadline, now),
      })),
      history: incident.history.map((step) => ({ ...step })),
      scope: incident.scope,
    };
  }
}
