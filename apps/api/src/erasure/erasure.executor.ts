import { Inject, Injectable } from '@nestjs/common';
import {
  buildErasureCertificate,
  isErased,
  KEY_VAULT,
  type KeyVault,
  type SignedErasureCertificate,
  signErasureCertificate,
  type SigningKey,
} from '@custodia/crypto-shredding';
import { type CustomerErased, customerStreamId } from '@custodia/customers';
import {
  EVENT_STORE,
  type EventStore,
  type Position,
  WrongExpectedRevision,
} from '@custodia/event-store';
import type { Actor } from '@custodia/identity';
import { CLOCK, type Clock } from '@custodia/platform';
import { type PrivacyRequest, PrivacyRequests } from '@custodia/privacy';
import { SIGNING_KEY } from '@custodia/runtime';
import { ProblemException } from '../http/problem-details';
import { findCertificate, storeCertificate } from './erasure-certificates';

const MAX_ATTEMPTS = 5;

/**
 * Erasure by crypto-shredding, in an order that survives a crash at any step:
 * 1. `CustomerErased` is appended first — the log is the record, and `reconcile-keys` (run at
 *    every start) destroys the key of every customer it names, so a crash or a restored key
 *    backup can never bring the customer back;
 * 2. the data key is destroyed (every process evicts it on the NOTIFY);
 * 3. PostgreSQL is asked for proof that the key is gone, and a certificate is signed and stored;
 * 4. the request is completed. Each step is idempotent: executing again finishes the job.
 * Nothing reads the customer's events, so the cost does not grow with their number.
 */
@Injectable()
export class ErasureExecutor {
  constructor(
    private readonly privacy: PrivacyRequests,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(KEY_VAULT) private readonly vault: KeyVault,
    @Inject(SIGNING_KEY) private readonly signingKey: () => Promise<SigningKey>,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async erase(request: PrivacyRequest, actor: Actor): Promise<SignedErasureCertificate> {
    const metadata = () => ({ actorId: actor.userId, now: this.clock.now().toISOString() });
    if (request.state === 'completed') {
      const issued = await findCertificate(this.store, request.requestId);
      if (issued) return issued;
    }
    const holds = await this.privacy.activeHoldsOf(request.customerId, this.clock.now());
    if (holds.length > 0) {
      const { holdIds } = await this.privacy.deferRequest(request.requestId, metadata());
      throw new ProblemException({
        status: 409,
        slug: 'privacy-request-deferred',
        title: 'Conflict',
        detail: `a legal hold applies: the erasure is deferred (holds ${holdIds.join(', ')})`,
        code: 'PRIVACY.DEFERRED',
      });
    }
    // Deferred under holds that are gone now (lifted or expired): it goes on.
    if (request.state === 'deferred')
      await this.privacy.resumeRequest(request.requestId, metadata());
    await this.privacy.startRequest(request.requestId, metadata());

    const keys = await this.vault.keysForDecryption([request.customerId]);
    const key = keys.get(request.customerId);
    const keyId = key === undefined || isErased(key) ? undefined : key.id;
    const erasedAt = this.clock.now();
    const logPosition = await this.appendErased(request, actor, keyId, erasedAt);
    const destruction = await this.vault.destroyKey(request.customerId);
    const evidence = await this.vault.keyAbsenceEvidence(request.customerId);
    const signed = signErasureCertificate(
      buildErasureCertificate({
        requestId: request.requestId,
        customerId: request.customerId,
        keyId: destruction.keyId ?? keyId ?? null,
        erasedAt,
        actorId: actor.userId,
        logPosition,
        keyAbsent: evidence,
        issuedAt: this.clock.now(),
      }),
      await this.signingKey(),
    );
    const stored = await storeCertificate(this.store, request.requestId, signed);
    await this.privacy.completeRequest(
      request.requestId,
      {
        ...(stored.certificate.keyId === null ? {} : { keyId: stored.certificate.keyId }),
        logPosition: stored.certificate.logPosition,
        certificateKeyId: stored.keyId,
      },
      metadata(),
    );
    return stored;
  }

  /**
   * `CustomerErased` at the end of the customer's stream, unless it is there already (a retry):
   * one backward read of the last event, then an append at that revision.
   */
  private async appendErased(
    request: PrivacyRequest,
    actor: Actor,
    keyId: string | undefined,
    erasedAt: Date,
  ): Promise<Position> {
    const streamId = customerStreamId(request.customerId);
    for (let attempt = 1; ; attempt += 1) {
      const [last] = await this.store.readStream(streamId, { direction: 'backwards', maxCount: 1 });
      if (last === undefined) {
        throw new ProblemException({
          status: 404,
          slug: 'customer-not-found',
          title: 'Not Found',
          detail: 'customerId: no such customer',
          code: 'CUSTOMER.NOT_FOUND',
        });
      }
      if (last.type === 'CustomerErased') return last.position;
      const erased: CustomerErased = {
        type: 'CustomerErased',
        data: {
          customerId: request.customerId,
          requestId: request.requestId,
          ...(keyId === undefined ? {} : { keyId }),
          erasedAt: erasedAt.toISOString(),
          actorId: actor.userId,
        },
      };
      try {
        const result = await this.store.append(streamId, [erased], {
          expectedRevision: last.revision,
        });
        return result.position;
      } catch (error) {
        if (!(error instanceof WrongExpectedRevision) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }
}
