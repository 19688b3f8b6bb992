import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional } from 'class-validator';

export class OffboardResponse {
  @ApiProperty({ example: 'wang.wei' }) id!: string;
  @ApiProperty({ description: 'When access ended (ISO-8601).' }) offboardedAt!: string;
}

export class AccessReportQueryDto {
  @ApiPropertyOptional({
    example: '2026-06-01T00:00:00+08:00',
    description: 'Count accesses at or after this time only.',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  since?: string;
}

class RevealsReport {
  @ApiProperty() count!: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'number' },
    example: { phone: 3 },
    description: 'Reveals per field name.',
  })
  byField!: Record<string, number>;
  @ApiProperty({ type: [String], description: 'Customers revealed, in id order (at most 1000).' })
  customerIds!: string[];
}

class ExportsReport {
  @ApiProperty() count!: number;
  @ApiProperty({ description: 'Rows in all files.' }) rows!: number;
  @ApiProperty({ type: [String], description: 'Watermarks of the files, oldest first.' })
  watermarks!: string[];
}

/** Counts, field names and customer ids: never a personal value. */
export class AccessReportResponse {
  @ApiProperty() actorId!: string;
  @ApiProperty({ type: String, nullable: true }) since!: string | null;
  @ApiProperty({ description: 'Distinct customers in responses the user received.' })
  viewedCustomers!: number;
  @ApiProperty({ description: 'Responses that carried customer data.' }) views!: number;
  @ApiProperty({ type: RevealsReport }) reveals!: RevealsReport;
  @ApiProperty({ type: ExportsReport }) exports!: ExportsReport;
  @ApiProperty() denials!: number;
  @ApiProperty({ description: 'Accesses made while under offboarding notice.' })
  underNotice!: number;
  @ApiProperty({ type: String, nullable: true }) firstAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) lastAt!: string | null;
}
