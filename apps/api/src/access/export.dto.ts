import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { fieldNames } from '@custodia/consent';

export class ExportFilterDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(128) ownerId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) team?: string;
  @ApiPropertyOptional() @IsOptional() @IsISO8601({ strict: true }) nextFollowUpFrom?: string;
  @ApiPropertyOptional() @IsOptional() @IsISO8601({ strict: true }) nextFollowUpTo?: string;
}

export class ExportDto {
  @ApiProperty({ example: 'sales_followup' })
  @IsString()
  @Matches(/^[a-z][a-z0-9_]{0,63}$/)
  purpose!: string;

  @ApiProperty({ example: ['name', 'phone', 'company'], enum: fieldNames, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(12)
  @IsIn(fieldNames, { each: true })
  fields!: string[];

  @ApiPropertyOptional({ type: ExportFilterDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ExportFilterDto)
  filter?: ExportFilterDto;
}
