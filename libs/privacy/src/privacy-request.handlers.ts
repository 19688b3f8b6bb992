import {
  Command,
  CommandHandler,
  type ICommandHandler,
  type IQueryHandler,
  Query,
  QueryHandler,
} from '@nestjs/cqrs';
import type { PrivacyCommandMetadata } from './privacy.commands';
import type { PrivacyOutcome } from './privacy.events';
import type { PrivacyRequest } from './privacy-request.decider';
import { type NewPrivacyRequest, PrivacyRequests } from './privacy-requests.service';

// Each command names its use case; the rules live in the decider, the I/O in PrivacyRequests.

export class ReceivePrivacyRequestCommand extends Command<{
  readonly requestId: string;
  readonly dueAt: string;
}> {
  constructor(
    readonly data: NewPrivacyRequest,
    readonly metadata: PrivacyCommandMetadata,
  ) {
    super();
  }
}

/** A change of state that needs nothing but the request id (and a reason, when `reason`). */
export type RequestStep = 'verify' | 'start' | 'resume' | 'extend' | 'reject';

export class ChangePrivacyRequestCommand extends Command<{ readonly dueAt?: string }> {
  constructor(
    readonly requestId: string,
    readonly step: RequestStep,
    readonly metadata: PrivacyCommandMetadata,
    readonly reason?: string,
  ) {
    super();
  }
}

export class CompletePrivacyRequestCommand extends Command<void> {
  constructor(
    readonly requestId: string,
    readonly outcome: PrivacyOutcome,
    readonly metadata: PrivacyCommandMetadata,
  ) {
    super();
  }
}

export class DeferPrivacyRequestCommand extends Command<{ readonly holdIds: readonly string[] }> {
  constructor(
    readonly requestId: string,
    readonly metadata: PrivacyCommandMetadata,
  ) {
    super();
  }
}

/** One request as the log has it now (strongly consistent), or undefined. */
export class GetPrivacyRequestQuery extends Query<PrivacyRequest | undefined> {
  constructor(readonly requestId: string) {
    super();
  }
}

@CommandHandler(ReceivePrivacyRequestCommand)
export class ReceivePrivacyRequestHandler implements ICommandHandler<ReceivePrivacyRequestCommand> {
  constructor(private readonly requests: PrivacyRequests) {}

  execute({ data, metadata }: ReceivePrivacyRequestCommand) {
    return this.requests.receiveRequest(data, metadata);
  }
}

@CommandHandler(ChangePrivacyRequestCommand)
export class ChangePrivacyRequestHandler implements ICommandHandler<ChangePrivacyRequestCommand> {
  constructor(private readonly requests: PrivacyRequests) {}

  async execute({
    requestId,
    step,
    metadata,
    reason = '',
  }: ChangePrivacyRequestCommand): Promise<{ readonly dueAt?: string }> {
    switch (step) {
      case 'verify':
        await this.requests.verifyRequest(requestId, metadata);
        return {};
      case 'start':
        await this.requests.startRequest(requestId, metadata);
        return {};
      case 'resume':
        await this.requests.resumeRequest(requestId, metadata);
        return {};
      case 'extend':
        return this.requests.extendRequest(requestId, reason, metadata);
      case 'reject':
        await this.requests.rejectRequest(requestId, reason, metadata);
        return {};
    }
  }
}

@CommandHandler(CompletePrivacyRequestCommand)
export class CompletePrivacyRequestHandler implements ICommandHandler<CompletePrivacyRequestCommand> {
  constructor(private readonly requests: PrivacyRequests) {}

  execute({ requestId, outcome, metadata }: CompletePrivacyRequestCommand): Promise<void> {
    return this.requests.completeRequest(requestId, outcome, metadata);
  }
}

@CommandHandler(DeferPrivacyRequestCommand)
export class DeferPrivacyRequestHandler implements ICommandHandler<DeferPrivacyRequestCommand> {
  constructor(private readonly requests: PrivacyRequests) {}

  execute({ requestId, metadata }: DeferPrivacyRequestCommand) {
    return this.requests.deferRequest(requestId, metadata);
  }
}

@QueryHandler(GetPrivacyRequestQuery)
export class GetPrivacyRequestHandler implements IQueryHandler<GetPrivacyRequestQuery> {
  constructor(private readonly requests: PrivacyRequests) {}

  execute({ requestId }: GetPrivacyRequestQuery): Promise<PrivacyRequest | undefined> {
    return this.requests.getRequest(requestId);
  }
}
