import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { type TimelineKind, timelineKinds } from '@custodia/access';
import { USER_ID_PATTERN } from '@custodia/identity';

/** `kind=a,b` and `kind=a&kind=b` alike. */
const toList = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string'
    ? value.split(',')
    : Array.isArray(value)
      ? (value as unknown[]).flatMap((item) =>
          typeof item === 'string' ? item.split(',') : [item],
        )
      : value;

export class AccessTimelineQueryDto {
  @ApiPropertyOptional({ description: 'Only this customer (UUID)' })
  @IsOptional()
  @IsUUID()
  customerId?: string;

  @ApiPropertyOptional({ description: 'Only this user (who accessed or changed)' })
  @IsOptional()
  @IsString()
  @Matches(USER_ID_PATTERN)
  actorId?: string;

  @ApiPropertyOptional({ description: 'Only this purpose' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z][a-z0-9_]{0,63}$/)
  purpose?: string;

  @ApiPropertyOptional({
    description: 'Only these kinds (comma-separated)',
    enum: timelineKinds,
    isArray: true,
  })
  @IsOptional()
  @Transform(toList)
  @IsArray()
  @ArrayMaxSize(timelineKinds.length)
  @IsIn(timelineKinds, { each: true })
  kind?: TimelineKind[];

  @ApiPropertyOptional({ description: 'At or after (ISO-8601, inclusive)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'Before (ISO-8601, exclusive)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page (opaque)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({
    enum: ['json', 'ndjson'],
    description: 'ndjson (or Accept: application/x-ndjson): every matching entry, streamed',
  })
  @IsOptional()
  @IsIn(['json', 'ndjson'])
  format?: 'json' | 'ndjson';
}
