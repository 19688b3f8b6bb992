import { Module } from '@nestjs/common';
import { IncidentsModule } from '@custodia/audit';
import { DATA_SOURCE } from '@custodia/runtime';
import { CustomersModule } from '../customers/customers.module';
import { AccessTimelineController } from './access-timeline.controller';
import { ExposureController } from './exposure.controller';
import { IncidentsController } from './incidents.controller';
import { ReportController } from './report.controller';
import { TamperEvidenceController } from './tamper-evidence.controller';

/**
 * The auditor's and the DPO's routes over the record: incidents (`/v1/incidents`), the audit
 * report (`/v1/audit/report`), and the access timeline, exposure and verification routes
 * under `/v1/audit`.
 */
@Module({
  // CustomersModule: the purpose catalog the exposure route judges with.
  imports: [IncidentsModule.register({ readDatabase: DATA_SOURCE }), CustomersModule],
  controllers: [
    IncidentsController,
    ReportController,
    TamperEvidenceController,
    AccessTimelineController,
    ExposureController,
  ],
})
export class AuditModule {}
