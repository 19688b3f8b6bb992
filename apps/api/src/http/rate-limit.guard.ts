import { type ExecutionContext, Injectable } from '@nestjs/common';
import { normalizeIp, ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';
import type { AuthenticatedRequest } from '../auth/auth.decorators';
import { ProblemException } from './problem-details';

/** The problem of a request over the caller's budget; the guard has set Retry-After (seconds). */
export const rateLimited = (): ProblemException =>
  new ProblemException({
    status: 429,
    slug: 'rate-limited',
    title: 'Too Many Requests',
    detail: 'requests: your limit for this window is reached; retry after Retry-After seconds',
    code: 'REQUEST.RATE_LIMITED',
  });

/**
 * Per-user rate limit: one budget per authenticated user across every route (so spreading the
 * requests over routes gains nothing), the client IP for routes without a user. Registered after
 * the AuthGuard, so `request.actor` is the verified user, never a claim from an unchecked token.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override getTracker(req: Record<string, unknown>): Promise<string> {
    const { actor, ip } = req as Partial<Pick<AuthenticatedRequest, 'actor' | 'ip'>>;
    if (actor !== undefined) return Promise.resolve(`user:${actor.userId}`);
    return Promise.resolve(`ip:${normalizeIp(ip ?? 'unknown', this.ipv6SubnetPrefix)}`);
  }

  protected override generateKey(_: ExecutionContext, tracker: string, name: string): string {
    return `${name}:${tracker}`;
  }

  protected override throwThrottlingException(
    _context: ExecutionContext,
    _detail: ThrottlerLimitDetail,
  ): Promise<void> {
    return Promise.reject(rateLimited());
  }
}
