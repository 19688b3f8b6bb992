import { Module } from '@nestjs/common';
import {
  AccessRecorder,
  type BlindIndex,
  CUSTOMER_VIEWS,
  PostgresCustomerViews,
  PostgresRevealBudget,
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
import { RevealController } from './reveal.controller';

/**
 * Values revealed per user and hour, one budget across every API process (PostgreSQL); a user
 * under offboarding notice gets far fewer.
 */
const REVEAL_LIMITS = { perWindow: 30, perWindowUnderNotice: 5, windowMs: 3_600_000 };

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
      provide: PostgresRevealBudget,
      inject: [DATA_SOURCE],
      useFactory: (dataSource: DataSource) => new PostgresRevealBudget(dataSource, REVEAL_LIMITS),
    },
  ],
  exports: [AccessAudit],
})
export class AccessModule {}
