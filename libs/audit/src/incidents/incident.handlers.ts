import {
  Command,
  CommandHandler,
  type ICommandHandler,
  type IQueryHandler,
  Query,
  QueryHandler,
} from '@nestjs/cqrs';
import type { IncidentCommandMetadata } from './incident.commands';
import type { Incident } from './incident.decider';
import { IncidentRegister, type NewIncident } from './incident-register.service';

// Each command names its use case; the rules live in the decider, the I/O in IncidentRegister.

export class OpenIncidentCommand extends Command<Incident> {
  constructor(
    readonly data: NewIncident,
    readonly metadata: IncidentCommandMetadata,
  ) {
    super();
  }
}

export class ChangeIncidentStatusCommand extends Command<Incident> {
  constructor(
    readonly incidentId: string,
    readonly status: string,
    readonly metadata: IncidentCommandMetadata,
    readonly note?: string,
  ) {
    super();
  }
}

/** One incident as the log has it now (strongly consistent), or undefined. */
export class GetIncidentQuery extends Query<Incident | undefined> {
  constructor(readonly incidentId: string) {
    super();
  }
}

@CommandHandler(OpenIncidentCommand)
export class OpenIncidentHandler implements ICommandHandler<OpenIncidentCommand> {
  constructor(private readonly register: IncidentRegister) {}

  execute({ data, metadata }: OpenIncidentCommand): Promise<Incident> {
    return this.register.open(data, metadata);
  }
}

@CommandHandler(ChangeIncidentStatusCommand)
export class ChangeIncidentStatusHandler implements ICommandHandler<ChangeIncidentStatusCommand> {
  constructor(private readonly register: IncidentRegister) {}

  execute({ incidentId, status, metadata, note }: ChangeIncidentStatusCommand): Promise<Incident> {
    return this.register.changeStatus(
      incidentId,
      { status, ...(note === undefined ? {} : { note }) },
      metadata,
    );
  }
}

@QueryHandler(GetIncidentQuery)
export class GetIncidentHandler implements IQueryHandler<GetIncidentQuery> {
  constructor(private readonly register: IncidentRegister) {}

  execute({ incidentId }: GetIncidentQuery): Promise<Incident | undefined> {
    return this.register.get(incidentId);
  }
}
