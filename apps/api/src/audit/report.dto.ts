import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional } from 'class-validator';

export const REPORT_FORMATS = ['json', 'csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export class AuditReportQueryDto {
  @ApiProperty({ description: 'Start of the period (inclusive, ISO-8601).' })
  @IsISO8601({ strict: true })
  from!: string;

  @ApiProperty({ description: 'End of the period (exclusive, ISO-8601), at most 366 days later.' })
  @IsISO8601({ strict: true })
  to!: string;

  @ApiPropertyOptional({
    enum: REPORT_FORMATS,
    default: 'json',
    description:
      'csv: one table with a `section` column (period, total, actor, access, denial, alert, erasure).',
  })
  @IsOptional()
  @IsIn(REPORT_FORMATS)
  format?: ReportFormat;
}
