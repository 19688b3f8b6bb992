import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsISO8601,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

export class PageQueryDto {
  @ApiPropertyOptional({ description: 'The nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

export class DirectoryQueryDto extends PageQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(128) ownerId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) team?: string;

  @ApiPropertyOptional({
    description:
      'Next follow-up at or after (ISO-8601); a window is listed in next follow-up order',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  nextFollowUpFrom?: string;

  @ApiPropertyOptional({
    description:
      'Next follow-up at or before (ISO-8601); a window is listed in next follow-up order',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  nextFollowUpTo?: string;

  @ApiPropertyOptional({ description: 'Exact match through the keyed blind index' })
  @IsOptional()
  @IsString()
  @Matches(/^[+\d][\d\s-]{6,20}$/)
  phone?: string;

  @ApiPropertyOptional({ description: 'Exact match through the keyed blind index' })
  @IsOptional()
  @IsString()
  @MaxLength(254)
  email?: string;
}
