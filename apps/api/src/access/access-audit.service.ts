import { Inject, Injectable, Logger } from '@nestjs/common';
import type {
  AccessDenied,
  AccessEvent,
  CustomerDataAccessed,
  CustomerDataExported,
  FieldDisclosure,
  PersonalDataRevealed,
} from '@custodia/access';
import type { FieldName } from '@custodia/consent';
import type { Actor } from '@custodia/identity';
import { CLOCK, type Clock, currentContext } from '@custodia/platform';
import { ProblemException } from '../http/problem-details';
import { ACCESS_LOG, type AccessLog } from './access-log';

type Who = { readonly actor: Actor; readonly purpose: string; readonly route: string };

/**
 * Appends the access event of a response before the response leaves (fail closed): if the log
 * cannot take it, the request fails with 503 and no customer data is sent.
 */
@Injectable()
export class AccessAudit {
  private readonly logger = new Logger(AccessAudit.name);

  constructor(
    @Inject(ACCESS_LOG) private readonly log: AccessLog,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  accessed(who: Who, customerIds: readonly string[], fields: readonly FieldDisclosure[]) {
    const event: CustomerDataAccessed = {
      type: 'CustomerDataAccessed',
      data: { ...this.context(who), customerIds, fields, accessedAt: this.now() },
    };
    return this.record(event);
  }

  revealed(who: Who, customerId: string, fields: readonly FieldName[], reason: string) {
    const event: PersonalDataRevealed = {
      type: 'PersonalDataRevealed',
      data: { ...this.context(who), customerId, fields, reason, revealedAt: this.now() },
    };
    return this.record(event);
  }

  exported(
    who: Who,
    export_: {
      watermark: string;
      rowCount: number;
      fields: readonly FieldDisclosure[];
      filter: Record<string, string>;
    },
  ) {
    const event: CustomerDataExported = {
      type: 'CustomerDataExported',
      data: { ...this.context(who), ...export_, exportedAt: this.now() },
    };
    return this.record(event);
  }

  denied(
    who: Omit<Who, 'purpose'> & { readonly purpose: string | null },
    action: AccessDenied['data']['action'],
    customerId: string | null,
    reason: AccessDenied['data']['reason'],
  ) {
    const event: AccessDenied = {
      type: 'AccessDenied',
      data: {
        ...this.context({ ...who, purpose: '' }),
        purpose: who.purpose,
        action,
        customerId,
        reason,
        deniedAt: this.now(),
      },
    };
    return this.record(event);
  }

  private context(who: Who) {
    return {
      actorId: who.actor.userId,
      roles: who.actor.roles,
      purpose: who.purpose,
      requestId: currentContext()?.requestId ?? 'none',
      route: who.route,
      underNotice: who.actor.leavesAt !== undefined,
    };
  }

  private now(): string {
    return this.clock.now().toISOString();
  }

  private async record(event: AccessEvent): Promise<void> {
    try {
      await this.log.record(event);
    } catch (error) {
      // The cause names no personal value; the client learns only that nothing was sent.
      this.logger.error(`access log unavailable: ${event.type} not recorded`, error as Error);
      throw new ProblemException({
        status: 503,
        slug: 'access-log-unavailable',
        title: 'Service Unavailable',
        detail: 'the access could not be recorded, so no data was sent; retry later',
        code: 'ACCESS.LOG_UNAVAILABLE',
      });
    }
  }
}
