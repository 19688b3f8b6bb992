import { Module } from '@nestjs/common';
import {
  AccessRecorder,
  type BlindIndex,
  CUSTOMER_VIEWS,
  PostgresCustomerViews,
  preparedQueries,
} from '@custodia/access';
import { EVENT_STORE, type EventStore } from '@custodia/event-store';
import { newId } from '@custodia/platform';
import { BLIND_INDEX, DATA_SOURCE } from '@custodia/runtime';
import type { DataSource } from 'typeorm';
import { CustomersModule } from '../customers/customers.module';
import { AccessAudit } from './access-audit.service';
import { ACCESS_LOG } from './access-log';
import { AlertsController } from './alerts.controller';
import { CustomerReadsController } from './customer-reads.controller';
import { ExportController } from './export.controller';
import { REVEAL_RATE_LIMITER, RevealRateLimiter } from './reveal-rate-limiter';
import { RevealController } from './reveal.controller';

/** Reveals per user and hour; a user under offboarding notice gets far fewer. */
const REVEALS_PER_HOUR = 30;
const REVEALS_PER_HOUR_UNDER_NOTICE = 5;

/** What each person sees of customers, and the record of every look, reveal and export. */
@Module({
  imports: [CustomersModule],
  controllers: [CustomerReadsController, RevealController, ExportController, AlertsController],
  providers: [
    AccessAudit,
    {
      provide: ACCESS_LOG,
      inject: [EVENT_STORE],
      // One stream per process: one writer, so appends never conflict across replicas.
      useFactory: (store: EventStore) => new AccessRecorder({ store, instanceId: newId() }),
    },
    {
      provide: CUSTOMER_VIEWS,
      inject: [DATA_SOURCE, BLIND_INDEX],
      useFactory: (dataSource: DataSource, blindIndex: BlindIndex) => {
        const queries = preparedQueries(dataSource);
        return new PostgresCustomerViews(queries, blindIndex, queries.customPlan);
      },
    },
    {
      provide: REVEAL_RATE_LIMITER,
      useValue: new RevealRateLimiter(REVEALS_PER_HOUR, REVEALS_PER_HOUR_UNDER_NOTICE),
    },
  ],
  exports: [AccessAudit],
})
export class AccessModule {}
