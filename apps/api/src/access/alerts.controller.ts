import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { anomalyRules, listAlerts } from '@custodia/access';
import { DATA_SOURCE } from '@custodia/runtime';
import type { DataSource } from 'typeorm';
import { Roles } from '../auth/auth.decorators';

export class AlertsQueryDto {
  @ApiPropertyOptional({ description: 'Detected at or after (ISO-8601)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  since?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(128) actorId?: string;

  @ApiPropertyOptional({ enum: anomalyRules })
  @IsOptional()
  @IsIn(anomalyRules)
  rule?: (typeof anomalyRules)[number];

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

/** Access anomalies (bulk export, many reveals, off-hours viewing, access under notice). */
@ApiTags('alerts')
@ApiBearerAuth()
@Controller('alerts')
export class AlertsController {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  @Get()
  @Roles('admin', 'dpo', 'auditor')
  @ApiOperation({ summary: 'Access anomalies, newest first (no personal values)' })
  list(@Query() query: AlertsQueryDto) {
    return listAlerts(this.dataSource, {
      ...(query.since === undefined ? {} : { since: new Date(query.since) }),
      ...(query.actorId === undefined ? {} : { actorId: query.actorId }),
      ...(query.rule === undefined ? {} : { rule: query.rule }),
      ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
      limit: query.limit ?? 100,
    });
  }
}
