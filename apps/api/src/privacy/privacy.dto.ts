import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
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
import {
  CODE_PATTERN,
  MAX_FREE_TEXT_LENGTH,
  PRIVACY_REGIMES,
  PRIVACY_REQUEST_STATES,
  PRIVACY_REQUEST_TYPES,
  type PrivacyRegime,
  type PrivacyRequestState,
  type PrivacyRequestType,
} from '@custodia/privacy';

const FREE_TEXT =
  'Free text about a person: stored encrypted under the customer key, never listed.';

export class CreatePrivacyRequestDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  customerId!: string;

  @ApiProperty({ enum: PRIVACY_REQUEST_TYPES })
  @IsIn(PRIVACY_REQUEST_TYPES)
  type!: PrivacyRequestType;

  @ApiPropertyOptional({ enum: PRIVACY_REGIMES, default: 'PIPL' })
  @IsOptional()
  @IsIn(PRIVACY_REGIMES)
  regime?: PrivacyRegime;

  @ApiPropertyOptional({ example: 'email', pattern: CODE_PATTERN.source })
  @IsOptional()
  @Matches(CODE_PATTERN)
  channel?: string;

  @ApiPropertyOptional({ maxLength: MAX_FREE_TEXT_LENGTH, description: FREE_TEXT })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_FREE_TEXT_LENGTH)
  note?: string;
}

export class ReasonDto {
  @ApiProperty({ maxLength: MAX_FREE_TEXT_LENGTH, description: FREE_TEXT })
  @IsString()
  @MaxLength(MAX_FREE_TEXT_LENGTH)
  reason!: string;
}

export class PlaceLegalHoldDto {
  @ApiProperty({ maxLength: MAX_FREE_TEXT_LENGTH, description: FREE_TEXT })
  @IsString()
  @MaxLength(MAX_FREE_TEXT_LENGTH)
  reason!: string;

  @ApiProperty({
    example: 'litigation',
    maxLength: 100,
    description: "A code ('litigation', 'tax_audit', 'regulator_order') or a short citation.",
  })
  @IsString()
  @MaxLength(100)
  basis!: string;

  @ApiPropertyOptional({ description: 'When the hold expires (a future ISO-8601 time).' })
  @IsOptional()
  @IsISO8601({ strict: true })
  until?: string;
}

export class ListPrivacyRequestsQueryDto {
  @ApiPropertyOptional({ enum: PRIVACY_REQUEST_STATES })
  @IsOptional()
  @IsIn(PRIVACY_REQUEST_STATES)
  state?: PrivacyRequestState;

  @ApiPropertyOptional({ enum: PRIVACY_REQUEST_TYPES })
  @IsOptional()
  @IsIn(PRIVACY_REQUEST_TYPES)
  type?: PrivacyRequestType;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  customerId?: string;

  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description: 'true: open requests (not completed or rejected) past their due date.',
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  overdue?: 'true' | 'false';

  @ApiPropertyOptional({ description: 'The `next` of the previous page.' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

export class CreatedPrivacyRequestResponse {
  @ApiProperty() id!: string;
  @ApiProperty({ description: 'The deadline (ISO-8601).' }) dueAt!: string;
}

export class PrivacyRequestResponse {
  @ApiProperty() id!: string;
  @ApiProperty() customerId!: string;
  @ApiProperty({ enum: PRIVACY_REQUEST_TYPES }) type!: PrivacyRequestType;
  @ApiProperty({ enum: PRIVACY_REGIMES }) regime!: PrivacyRegime;
  @ApiProperty({ enum: PRIVACY_REQUEST_STATES }) state!: PrivacyRequestState;
  @ApiProperty() receivedAt!: string;
  @ApiProperty() dueAt!: string;
  @ApiProperty() extended!: boolean;
  @ApiProperty() overdue!: boolean;
  @ApiProperty({ type: String, nullable: true }) completedAt!: string | null;
  @ApiProperty({ type: [String], description: 'The legal holds it is deferred under.' })
  holdIds!: string[];
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'Ids of what the work produced (key, log position, certificate).',
  })
  outcome?: Record<string, string | number> | null;
}

export class PrivacyRequestListResponse {
  @ApiProperty({ type: [PrivacyRequestResponse] }) items!: PrivacyRequestResponse[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page.' })
  next!: string | null;
}

export class LegalHoldIdResponse {
  @ApiProperty() id!: string;
}
