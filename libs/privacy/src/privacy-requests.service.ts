import { Inject, Injectable } from '@nestjs/common';
import { customerStreamId } from '@custodia/customers';
import { newId } from '@custodia/platform';
import type { EntityManager } from 'typeorm';
import { activeHolds, type LegalHold, legalHoldDecider } from './legal-hold.decider';
import type { PrivacyCommandMetadata, PrivacyRequestCommand } from './privacy.commands';
import { PrivacyError } from './privacy.errors';
import {
  LEGAL_HOLD_EVENT_TYPES,
  legalHoldsStreamId,
  PRIVACY_REQUEST_EVENT_TYPES,
  type PrivacyOutcome,
  privacyRequestStreamId,
} from './privacy.events';
import { createPrivacyRequestDecider, type PrivacyRequest } from './privacy-request.decider';
import type { PrivacyDeadlineOptions } from './privacy-deadlines';
import { PrivacyRepository } from './privacy.repository';
import { findHoldOwner } from './read-models/legal-holds/legal-holds.query';
import { findDeferredRequestIds } from './read-models/privacy-requests/privacy-requests.query';

/** The read database (the application's DataSource): bound by `PrivacyModule.register`. */
export const PRIVACY_READ_DATABASE = Symbol('PRIVACY_READ_DATABASE');
export const PRIVACY_DEADLINES = Symbol('PRIVACY_DEADLINES');

export type ReadDatabase = Pick<EntityManager, 'query'>;

export type NewPrivacyRequest = {
  readonly customerId: string;
  /** A `PrivacyRequestType`; unchecked here, the decider validates it. */
  readonly type: string;
  /** A `PrivacyRegime`; unchecked here, the decider validates it. */
  readonly regime: string;
  readonly channel?: string;
  readonly note?: string;
};

export type NewLegalHold = {
  readonly customerId: string;
  readonly reason: string;
  readonly basis: string;
  readonly until?: string;
};

/**
 * The privacy requests and legal holds, for HTTP handlers and for the erasure executor. Every
 * decision folds the stream from the log (strongly consistent); only the hold-id → customer
 * lookup and the re-queueing after a lift read the read models.
 */
@Injectable()
export class PrivacyRequests {
  private readonly requests;

  constructor(
    private readonly repository: PrivacyRepository,
    @Inject(PRIVACY_DEADLINES) deadlines: PrivacyDeadlineOptions,
    @Inject(PRIVACY_READ_DATABASE) private readonly reads: ReadDatabase,
  ) {
    this.requests = createPrivacyRequestDecider(deadlines);
  }

  async receiveRequest(
    input: NewPrivacyRequest,
    metadata: PrivacyCommandMetadata,
  ): Promise<{ readonly requestId: string; readonly dueAt: string }> {
    await this.assertCustomerExists(input.customerId);
    const requestId = newId();
    const [received] = await this.run({
      type: 'ReceivePrivacyRequest',
      data: { requestId, ...input },
      metadata,
    });
    if (received?.type !== 'PrivacyRequestReceived') throw new Error('request not received');
    return { requestId, dueAt: received.data.dueAt };
  }

  /** The request as the log has it now, or undefined. */
  async getRequest(requestId: string): Promise<PrivacyRequest | undefined> {
    const { state } = await this.repository.load(
      privacyRequestStreamId(requestId),
      this.requests,
      PRIVACY_REQUEST_EVENT_TYPES,
    );
    return state ?? undefined;
  }

  async verifyRequest(requestId: string, metadata: PrivacyCommandMetadata): Promise<void> {
    await this.run({ type: 'VerifyPrivacyRequest', data: { requestId }, metadata });
  }

  /** verified → in_progress; a no-op when it is in progress already (safe to retry). */
  async startRequest(requestId: string, metadata: PrivacyCommandMetadata): Promise<void> {
    await this.run({ type: 'StartPrivacyRequest', data: { requestId }, metadata });
  }

  /** The one extension; returns the new due date. */
  async extendRequest(
    requestId: string,
    reason: string,
    metadata: PrivacyCommandMetadata,
  ): Promise<{ readonly dueAt: string }> {
    const [extended] = await this.run({
      type: 'ExtendPrivacyRequest',
      data: { requestId, reason },
      metadata,
    });
    if (extended?.type !== 'PrivacyRequestExtended') throw new Error('request not extended');
    return { dueAt: extended.data.dueAt };
  }

  async rejectRequest(
    requestId: string,
    reason: string,
    metadata: PrivacyCommandMetadata,
  ): Promise<void> {
    await this.run({ type: 'RejectPrivacyRequest', data: { requestId, reason }, metadata });
  }

  /** in_progress → completed, recording `outcome` (ids only, e.g. `{ keyId, logPosition }`). */
  async completeRequest(
    requestId: string,
    outcome: PrivacyOutcome,
    metadata: PrivacyCommandMetadata,
  ): Promise<void> {
    await this.run({ type: 'CompletePrivacyRequest', data: { requestId, outcome }, metadata });
  }

  /**
   * Defers an erasure request under the customer's active holds at `metadata.now` and returns
   * their ids; `PRIVACY.NO_ACTIVE_HOLD` when none applies.
   */
  async deferRequest(
    requestId: string,
    metadata: PrivacyCommandMetadata,
  ): Promise<{ readonly holdIds: readonly string[] }> {
    const request = await this.existingRequest(requestId);
    const holds = await this.activeHoldsOf(request.customerId, new Date(metadata.now));
    const holdIds = holds.map((hold) => hold.holdId);
    await this.run({ type: 'DeferPrivacyRequest', data: { requestId, holdIds }, metadata });
    return { holdIds };
  }

  /** deferred → the state it came from; `PRIVACY.HOLD_ACTIVE` while a hold still applies. */
  async resumeRequest(requestId: string, metadata: PrivacyCommandMetadata): Promise<void> {
    const request = await this.existingRequest(requestId);
    const holds = await this.activeHoldsOf(request.customerId, new Date(metadata.now));
    if (holds.length > 0) {
      throw new PrivacyError('PRIVACY.HOLD_ACTIVE', 'a legal hold still applies', 'holdIds');
    }
    await this.run({ type: 'ResumePrivacyRequest', data: { requestId }, metadata });
  }

  /** The customer's holds that are neither lifted nor expired at `now` (from the log). */
  async activeHoldsOf(customerId: string, now: Date): Promise<LegalHold[]> {
    const { state } = await this.repository.load(
      legalHoldsStreamId(customerId),
      legalHoldDecider,
      LEGAL_HOLD_EVENT_TYPES,
    );
    return activeHolds(state, now);
  }

  async placeHold(
    input: NewLegalHold,
    metadata: PrivacyCommandMetadata,
  ): Promise<{ readonly holdId: string }> {
    await this.assertCustomerExists(input.customerId);
    const holdId = newId();
    await this.repository.execute(
      legalHoldsStreamId(input.customerId),
      legalHoldDecider,
      LEGAL_HOLD_EVENT_TYPES,
      { type: 'PlaceLegalHold', data: { holdId, ...input }, metadata },
    );
    return { holdId };
  }

  /**
   * Lifts a hold (found through the legal-holds read model, so a hold placed a moment ago may
   * not be found yet), then resumes the customer's deferred requests that no hold applies to.
   */
  async liftHold(
    holdId: string,
    metadata: PrivacyCommandMetadata,
  ): Promise<{ readonly customerId: string; readonly resumed: readonly string[] }> {
    const customerId = await findHoldOwner(this.reads, holdId);
    if (customerId === undefined) {
      throw new PrivacyError('PRIVACY.HOLD_NOT_FOUND', 'no such legal hold', 'holdId');
    }
    await this.repository.execute(
      legalHoldsStreamId(customerId),
      legalHoldDecider,
      LEGAL_HOLD_EVENT_TYPES,
      { type: 'LiftLegalHold', data: { customerId, holdId }, metadata },
    );
    return { customerId, resumed: await this.resumeDeferred(customerId, metadata) };
  }

  /** Re-queues the customer's deferred requests once no hold applies (after a lift or expiry). */
  async resumeDeferred(customerId: string, metadata: PrivacyCommandMetadata): Promise<string[]> {
    if ((await this.activeHoldsOf(customerId, new Date(metadata.now))).length > 0) return [];
    const resumed: string[] = [];
    for (const requestId of await findDeferredRequestIds(this.reads, customerId)) {
      // The read model lags: the log decides whether the request is still deferred.
      if ((await this.getRequest(requestId))?.state !== 'deferred') continue;
      try {
        await this.run({ type: 'ResumePrivacyRequest', data: { requestId }, metadata });
        resumed.push(requestId);
      } catch (error) {
        if (!(error instanceof PrivacyError && error.code === 'PRIVACY.INVALID_TRANSITION')) {
          throw error;
        }
      }
    }
    return resumed;
  }

  private async existingRequest(requestId: string): Promise<PrivacyRequest> {
    const request = await this.getRequest(requestId);
    if (request === undefined) {
      throw new PrivacyError('PRIVACY.REQUEST_NOT_FOUND', 'no such privacy request');
    }
    return request;
  }

  private run(command: PrivacyRequestCommand) {
    return this.repository.execute(
      privacyRequestStreamId(command.data.requestId),
      this.requests,
      PRIVACY_REQUEST_EVENT_TYPES,
      command,
    );
  }

  private async assertCustomerExists(customerId: string): Promise<void> {
    if (!(await this.repository.exists(customerStreamId(customerId)))) {
      throw new PrivacyError('PRIVACY.CUSTOMER_NOT_FOUND', 'no such customer', 'customerId');
    }
  }
}
