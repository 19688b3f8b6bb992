import { Inject, Injectable } from '@nestjs/common';
import type { PurposeCatalog } from '@custodia/consent';
import {
  createCustomerDecider,
  type CustomerAggregateCommand,
  type CustomerState,
  customerStreamId,
  isCustomerAggregateEvent,
} from '@custodia/customers';
import {
  EVENT_STORE,
  type EventStore,
  type NewEvent,
  WrongExpectedRevision,
} from '@custodia/event-store';
import { createFollowUpDecider, type FollowUpCommand } from '@custodia/follow-ups';
import type { CommandMetadata } from '@custodia/identity';
import { type Decider, fold, newId } from '@custodia/platform';
import { PURPOSE_CATALOG } from './purpose-catalog.provider';

/** What every event of a customer command carries besides its data. */
export type StreamMetadata = CommandMetadata & { readonly purpose?: string };

type Event = { readonly type: string; readonly data: object };

// A conflict means someone else wrote first: decide again on their result, a few times at most.
const MAX_ATTEMPTS = 3;

/**
 * Reads `Customer-<id>`, folds it with the deciding context's decider, decides, and appends with
 * the revision read. A refused command throws before anything is appended.
 */
@Injectable()
export class CustomerStreamRepository {
  private readonly customers: Decider<CustomerAggregateCommand, Event, CustomerState>;
  private readonly followUps: Decider<FollowUpCommand, Event, unknown>;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PURPOSE_CATALOG) catalog: PurposeCatalog,
  ) {
    this.customers = createCustomerDecider(catalog);
    this.followUps = createFollowUpDecider(catalog);
  }

  /** The customer's state as of the last event, with `check` (an access rule) applied first. */
  async executeCustomer(
    command: CustomerAggregateCommand,
    metadata: StreamMetadata,
    check: (state: CustomerState) => void = () => undefined,
  ): Promise<readonly Event[]> {
    return this.execute(command.data.customerId, metadata, (events) => {
      const state = fold(this.customers, events.filter(isCustomerAggregateEvent));
      check(state);
      return this.customers.decide(command, state);
    });
  }

  async executeFollowUp(
    command: FollowUpCommand,
    metadata: StreamMetadata,
    check: (state: CustomerState) => void = () => undefined,
  ): Promise<readonly Event[]> {
    return this.execute(command.data.customerId, metadata, (events) => {
      check(fold(this.customers, events.filter(isCustomerAggregateEvent)));
      return this.followUps.decide(command, fold(this.followUps, events));
    });
  }

  private async execute(
    customerId: string,
    metadata: StreamMetadata,
    decide: (events: readonly Event[]) => readonly Event[],
  ): Promise<readonly Event[]> {
    const streamId = customerStreamId(customerId);
    for (let attempt = 1; ; attempt += 1) {
      const recorded = await this.store.readStream(streamId);
      const events = decide(recorded);
      if (events.length === 0) return events;
      const toAppend: NewEvent[] = events.map((event) => ({
        id: newId(),
        type: event.type,
        data: event.data as Record<string, unknown>,
        metadata: { ...metadata },
      }));
      try {
        await this.store.append(streamId, toAppend, {
          expectedRevision: recorded.at(-1)?.revision ?? 'no_stream',
        });
        return events;
      } catch (error) {
        if (!(error instanceof WrongExpectedRevision) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }
}
