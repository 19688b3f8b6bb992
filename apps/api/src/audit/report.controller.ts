import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import type { DataSource } from 'typeorm';
import {
  AUDIT_REPORT_CSV_COLUMNS,
  type AuditReport,
  auditReportRows,
  buildAuditReport,
} from '@custodia/audit';
import { CLOCK, type Clock } from '@custodia/platform';
import { DATA_SOURCE } from '@custodia/runtime';
import { csvLine } from '../access/csv';
import { Roles } from '../auth/auth.decorators';
import { AuditReportQueryDto } from './report.dto';

const fileDate = (iso: string): string => iso.replace(/[^0-9]/g, '').slice(0, 14);

/**
 * The audit report: a period's accesses per actor, purpose and field, denials, alerts and
 * erasures, as JSON or CSV. Ids, codes and counts only; read models, so it may lag briefly.
 */
@ApiTags('audit')
@ApiBearerAuth()
@ApiForbiddenResponse({ description: 'Only `auditor` and `dpo`' })
@Controller('audit')
export class ReportController {
  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
  ) {}

  @Get('report')
  @Roles('auditor', 'dpo')
  @ApiOperation({
    summary: "A period's access summary: per actor, purpose, field; denials; alerts; erasures",
  })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ description: 'The report (JSON), or one CSV table with a `section` column' })
  async report(
    @Query() query: AuditReportQueryDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AuditReport | string> {
    const report = await buildAuditReport(this.dataSource, {
      from: new Date(query.from),
      to: new Date(query.to),
      now: this.clock.now(),
    });
    if (query.format !== 'csv') return report;
    const name = `audit-report-${fileDate(report.period.from)}-${fileDate(report.period.to)}.csv`;
    response.type('text/csv; charset=utf-8');
    response.setHeader('Content-Disposition', `attachment; filename="${name}"`);
    return [AUDIT_REPORT_CSV_COLUMNS, ...auditReportRows(report)].map(csvLine).join('');
  }
}
