import { type DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import type { Config } from '@custodia/platform';
import { RateLimitGuard } from './rate-limit.guard';

/**
 * Per-user request limits (RATE_LIMIT_REQUESTS per RATE_LIMIT_WINDOW_MS; 0 requests turns them
 * off). Import it after the AuthModule: global guards run in registration order, and the limit is
 * keyed by the user the AuthGuard verified. Counters live in the process (two API processes allow
 * twice the budget); routes marked @SkipThrottle() (health, metrics) are not counted.
 */
@Module({})
export class RateLimitModule {
  static register(config: Config): DynamicModule {
    const { requests, windowMs } = config.rateLimit;
    if (requests === 0) return { module: RateLimitModule };
    return {
      module: RateLimitModule,
      imports: [ThrottlerModule.forRoot({ throttlers: [{ limit: requests, ttl: windowMs }] })],
      providers: [{ provide: APP_GUARD, useClass: RateLimitGuard }],
    };
  }
}
