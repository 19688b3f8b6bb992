import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsDefined,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import {
  ACTOR_ID_PATTERN,
  INCIDENT_STATUSES,
  type IncidentStatus,
  MAX_INCIDENT_TEXT_LENGTH,
} from '@custodia/audit';

const FREE_TEXT =
  'What happened, stored in clear: a phone number, e-mail address or ID-card number is refused (name customers by id).';

export class IncidentWindowDto {
  @ApiProperty({ description: 'Start of the window (inclusive, ISO-8601).' })
  @IsISO8601({ strict: true })
  from!: string;

  @ApiProperty({ description: 'End of the window (exclusive, ISO-8601, not in the future).' })
  @IsISO8601({ strict: true })
  to!: string;
}

export class OpenIncidentDto {
  @ApiPropertyOptional({
    description: 'User id of the suspected actor: the scope is then their accesses only.',
    pattern: ACTOR_ID_PATTERN.source,
  })
  @IsOptional()
  @Matches(ACTOR_ID_PATTERN)
  suspectedActor?: string;

  @ApiProperty({ type: IncidentWindowDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => IncidentWindowDto)
  window!: IncidentWindowDto;

  @ApiProperty({ maxLength: MAX_INCIDENT_TEXT_LENGTH, description: FREE_TEXT })
  @IsString()
  @MaxLength(MAX_INCIDENT_TEXT_LENGTH)
  description!: string;

  @ApiPropertyOptional({
    description:
      'When the organisation became aware (ISO-8601, within the window start and now); now by default. The deadlines run from it.',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  awareAt?: string;
}

export class ChangeIncidentStatusDto {
  @ApiProperty({ enum: INCIDENT_STATUSES.filter((status) => status !== 'open') })
  @IsIn(INCIDENT_STATUSES)
  status!: IncidentStatus;

  @ApiPropertyOptional({
    maxLength: MAX_INCIDENT_TEXT_LENGTH,
    description: `Required when a status is skipped (why). ${FREE_TEXT}`,
  })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_INCIDENT_TEXT_LENGTH)
  note?: string;
}

export class ListIncidentsQueryDto {
  @ApiPropertyOptional({ enum: INCIDENT_STATUSES })
  @IsOptional()
  @IsIn(INCIDENT_STATUSES)
  status?: IncidentStatus;

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

export class NotificationDeadlineResponse {
  @ApiProperty({ enum: ['GDPR', 'PIPL'] }) regime!: 'GDPR' | 'PIPL';
  @ApiProperty() notify!: string;
  @ApiProperty({ description: 'PIPL: "immediately", i.e. the awareness time itself.' })
  dueAt!: string;
  @ApiProperty() rule!: string;
  @ApiProperty({ description: 'Not notified nor closed, and past dueAt.' }) overdue!: boolean;
}

export class IncidentTransitionResponse {
  @ApiProperty({ enum: INCIDENT_STATUSES }) status!: IncidentStatus;
  @ApiProperty() at!: string;
  @ApiProperty() actorId!: string;
  @ApiProperty({ type: String, nullable: true }) note!: string | null;
}

export class IncidentResponse {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: INCIDENT_STATUSES }) status!: IncidentStatus;
  @ApiProperty() description!: string;
  @ApiProperty({ type: IncidentWindowDto }) window!: IncidentWindowDto;
  @ApiProperty({ type: String, nullable: true }) suspectedActor!: string | null;
  @ApiProperty() awareAt!: string;
  @ApiProperty() openedAt!: string;
  @ApiProperty({ type: [NotificationDeadlineResponse] })
  deadlines!: NotificationDeadlineResponse[];
  @ApiProperty({ type: [IncidentTransitionResponse] }) history!: IncidentTransitionResponse[];
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'Fixed at opening, from the access log: customers (ids; fields clear and masked; actor ids), fields, actors, exports, counts. Never a value.',
  })
  scope!: object;
}

export class IncidentSummaryResponse {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: INCIDENT_STATUSES }) status!: IncidentStatus;
  @ApiProperty({ type: String, nullable: true }) suspectedActor!: string | null;
  @ApiProperty({ type: IncidentWindowDto }) window!: IncidentWindowDto;
  @ApiProperty() awareAt!: string;
  @ApiProperty() openedAt!: string;
  @ApiProperty() openedBy!: string;
  @ApiProperty({ type: [NotificationDeadlineResponse] })
  deadlines!: NotificationDeadlineResponse[];
  @ApiProperty({ type: String, nullable: true }) containedAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) notifiedAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) closedAt!: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'customerCount, actorIds, fields, complete',
  })
  scope!: object;
}

export class IncidentListResponse {
  @ApiProperty({ type: [IncidentSummaryResponse] }) items!: IncidentSummaryResponse[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page.' })
  next!: string | null;
}
