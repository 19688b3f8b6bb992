import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { DataSource, type QueryRunner } from 'typeorm';
import type { PurposeCatalog } from '@custodia/consent';
import { CLOCK, type Clock } from '@custodia/platform';
import { PrivacyError, PrivacyRequests, retentionDue } from '@custodia/privacy';
import { DATA_SOURCE } from '@custodia/runtime';
import { PURPOSE_CATALOG } from '../customers/purpose-catalog.provider';
import { countProjectedRequests, findRetentionCandidates } from './retention-candidates.query';

const SWEEP_INTERVAL_MS = 15 * 60_000;
const PAGE = 500;
/** How long a sweep waits for the requests it opened to reach the read model. */
const PROJECTION_WAIT_MS = 10_000;
/** Not a valid user id, so never mistaken for a person. */
export const RETENTION_ACTOR_ID = '$retention-sweep';
// One sweep at a time across replicas (a session advisory lock; any fixed text will do).
const LOCK = `SELECT pg_try_advisory_lock(hashtextextended('custodia.retention-sweep', 0)) AS locked`;
const UNLOCK = `SELECT pg_advisory_unlock(hashtextextended('custodia.retention-sweep', 0))`;

export type SweepCounts = {
  readonly checked: number;
  readonly due: number;
  readonly opened: number;
  readonly deferred: number;
  /** Due, but an erasure request is open or was decided since retention ended. */
  readonly skipped: number;
  /** Refused by the privacy rules (the code is logged). */
  readonly failed: number;
};

const NONE: SweepCounts = { checked: 0, due: 0, opened: 0, deferred: 0, skipped: 0, failed: 0 };

/**
 * Opens an erasure request by itself when a customer's retention is due (`retentionDue`: PIPL
 * art. 47, GDPR art. 5(1)(e)); defers it at once under an active legal hold. Never two requests
 * for one customer: a customer with an open erasure request, or one received since retention
 * ended (a DPO rejected it), is skipped; sweeps never overlap across replicas (advisory lock);
 * and a sweep holds that lock until the requests it opened are in the read model, so the next
 * sweep, here or elsewhere, sees them.
 */
@Injectable()
export class RetentionSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('RetentionSweeper');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<SweepCounts> | undefined;

  constructor(
    private readonly privacy: PrivacyRequests,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(PURPOSE_CATALOG) private readonly catalog: PurposeCatalog,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweepOnce(), SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One sweep; resolves to its counts (all zero when another replica is sweeping; never rejects). */
  sweepOnce(): Promise<SweepCounts> {
    this.running ??= this.locked()
      .catch((error: unknown) => {
        this.logger.warn(
          { error: error instanceof Error ? error.name : typeof error },
          'Retention sweep failed',
        );
        return NONE;
      })
      .finally(() => (this.running = undefined));
    return this.running;
  }

  private async locked(): Promise<SweepCounts> {
    const session = this.dataSource.createQueryRunner();
    try {
      const [row] = (await session.query(LOCK)) as { locked: boolean }[];
      if (row?.locked !== true) return NONE;
      try {
        const counts = await this.sweep(session);
        this.logger.log(counts, 'Retention sweep');
        return counts;
      } finally {
        await session.query(UNLOCK);
      }
    } finally {
      await session.release();
    }
  }

  private async sweep(session: QueryRunner): Promise<SweepCounts> {
    const now = this.clock.now();
    const metadata = { actorId: RETENTION_ACTOR_ID, now: now.toISOString() };
    const counts = { ...NONE };
    const opened: string[] = [];
    for (let after: string | null = null; ;) {
      const page = await findRetentionCandidates(session, after, PAGE);
      for (const candidate of page) {
        counts.checked += 1;
        const verdict = retentionDue(candidate, this.catalog, now);
        if (!verdict.due) continue;
        counts.due += 1;
        const last = candidate.lastErasure;
        if (
          last !== null &&
          (last.open || Date.parse(last.receivedAt) >= Date.parse(verdict.since))
        ) {
          counts.skipped += 1;
          continue;
        }
        try {
          const { requestId } = await this.privacy.receiveRequest(
            {
              customerId: candidate.customerId,
              type: 'erasure',
              regime: 'PIPL',
              channel: 'retention',
            },
            metadata,
          );
          opened.push(requestId);
          counts.opened += 1;
          if ((await this.privacy.activeHoldsOf(candidate.customerId, now)).length > 0) {
            // Deferring needs a verified request: the hold, not the identity, is the question.
            await this.privacy.verifyRequest(requestId, metadata);
            await this.privacy.deferRequest(requestId, metadata);
            counts.deferred += 1;
          }
        } catch (error) {
          // One customer's refusal (e.g. a hold lifted meanwhile) must not stop the sweep; an
          // opened request stays open for the DPO, and execution checks holds again.
          if (!(error instanceof PrivacyError)) throw error;
          counts.failed += 1;
          this.logger.warn({ code: error.code }, 'Retention request refused');
        }
      }
      if (page.length < PAGE) break;
      after = page[page.length - 1]?.customerId ?? null;
    }
    await this.awaitProjected(session, opened);
    return counts;
  }

  private async awaitProjected(session: QueryRunner, requestIds: readonly string[]): Promise<void> {
    if (requestIds.length === 0) return;
    const deadline = Date.now() + PROJECTION_WAIT_MS;
    while ((await countProjectedRequests(session, requestIds)) < requestIds.length) {
      if (Date.now() > deadline) {
        this.logger.warn({ pending: requestIds.length }, 'Opened requests not projected yet');
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
