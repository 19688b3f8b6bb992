import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { TerminusModule } from '@nestjs/terminus';
import { SkipThrottle } from '@nestjs/throttler';
import type { DestinationStream } from 'pino';
import { type Config, type DatabaseHandle, PlatformModule } from '@custodia/platform';
import { Public } from './auth/auth.decorators';
import { AccessModule } from './access/access.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { CustomersModule } from './customers/customers.module';
import { HealthController } from './health/health.controller';
import { ProblemDetailsFilter } from './http/problem-details.filter';
import { RateLimitModule } from './http/rate-limit.module';
import { ErasureModule } from './erasure/erasure.module';
import { createValidationPipe } from './http/validation.pipe';
import { MetricsController } from './metrics/metrics.controller';
import { PrivacyHttpModule } from './privacy/privacy-http.module';
import { RetentionModule } from './privacy-retention/retention.module';
import { StorageModule } from '@custodia/runtime';
import { UsersModule } from './users/users.module';

export type AppOptions = {
  readonly config: Config;
  readonly database: DatabaseHandle;
  /** Where logs go; stdout by default (tests capture them). */
  readonly logDestination?: DestinationStream;
};

// Probes and scrapers call these without a token (the AuthGuard denies everything else), and
// outside the rate limit.
for (const controller of [HealthController, MetricsController]) {
  Public()(controller);
  SkipThrottle()(controller);
}

/**
 * The HTTP edge. Feature modules (customers, consent, …) are imported here as they arrive; their
 * controllers land under /v1 through the global prefix set in `setupHttpApp`.
 */
@Module({})
export class AppModule {
  static register({ config, database, logDestination }: AppOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({
          config,
          ...(logDestination === undefined ? {} : { logDestination }),
        }),
        StorageModule.register({
          database,
          processName: 'custodia-api',
          runProjector: config.projector === 'inline',
        }),
        TerminusModule.forRoot({ errorLogStyle: 'json' }),
        CqrsModule.forRoot(),
        AuthModule.register(config),
        // After AuthModule: its guard runs after the AuthGuard and counts the verified user.
        RateLimitModule.register(config),
        UsersModule.register(config),
        CustomersModule,
        AccessModule,
        PrivacyHttpModule,
        ErasureModule,
        RetentionModule,
        AuditModule,
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
      ],
    };
  }
}
