import {
  Command,
  CommandHandler,
  type ICommandHandler,
  type IQueryHandler,
  Query,
  QueryHandler,
} from '@nestjs/cqrs';
import type { LegalHold } from './legal-hold.decider';
import type { PrivacyCommandMetadata } from './privacy.commands';
import { type NewLegalHold, PrivacyRequests } from './privacy-requests.service';

export class PlaceLegalHoldCommand extends Command<{ readonly holdId: string }> {
  constructor(
    readonly data: NewLegalHold,
    readonly metadata: PrivacyCommandMetadata,
  ) {
    super();
  }
}

/** Lifts the hold and resumes the customer's deferred requests no other hold applies to. */
export class LiftLegalHoldCommand extends Command<{
  readonly customerId: string;
  readonly resumed: readonly string[];
}> {
  constructor(
    readonly holdId: string,
    readonly metadata: PrivacyCommandMetadata,
  ) {
    super();
  }
}

/** The customer's holds neither lifted nor expired at `now`, from the log. */
export class ActiveHoldsOfQuery extends Query<LegalHold[]> {
  constructor(
    readonly customerId: string,
    readonly now: Date,
  ) {
    super();
  }
}

@CommandHandler(PlaceLegalHoldCommand)
export class PlaceLegalHoldHandler implements ICommandHandler<PlaceLegalHoldCommand> {
  constructor(private readonly requests: PrivacyRequests) {}

  execute({ data, metadata }: PlaceLegalHoldCommand) {
    return this.requests.placeHold(data, metadata);
  }
}

@CommandHandler(LiftLegalHoldCommand)
export class LiftLegalHoldHandler implements ICommandHandler<LiftLegalHoldCommand> {
  constructor(private readonly requests: PrivacyRequests) {}

  execute({ holdId, metadata }: LiftLegalHoldCommand) {
    return this.requests.liftHold(holdId, metadata);
  }
}

@QueryHandler(ActiveHoldsOfQuery)
export class ActiveHoldsOfHandler implements IQueryHandler<ActiveHoldsOfQuery> {
  constructor(private readonly requests: PrivacyRequests) {}

  execute({ customerId, now }: ActiveHoldsOfQuery): Promise<LegalHold[]> {
    return this.requests.activeHoldsOf(customerId, now);
  }
}
