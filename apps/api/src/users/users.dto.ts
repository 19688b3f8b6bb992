import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateIf,
} from 'class-validator';
import {
  MAX_DISPLAY_NAME_LENGTH,
  MAX_TEAM_LENGTH,
  type Role,
  ROLES,
  USER_ID_PATTERN,
  type UserDirectoryStatus,
} from '@custodia/identity';

const ID_DESCRIPTION =
  "The `sub` of the user's tokens: 1-128 letters, digits or . _ : | - (no e-mail addresses).";

export class RegisterUserDto {
  @ApiProperty({
    example: 'wang.wei',
    pattern: USER_ID_PATTERN.source,
    description: ID_DESCRIPTION,
  })
  @Matches(USER_ID_PATTERN)
  id!: string;

  @ApiProperty({ example: '王伟', maxLength: MAX_DISPLAY_NAME_LENGTH })
  @IsString()
  @Length(1, MAX_DISPLAY_NAME_LENGTH)
  displayName!: string;

  @ApiProperty({ enum: ROLES, isArray: true, example: ['sales'] })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(ROLES.length)
  @IsIn(ROLES, { each: true })
  roles!: Role[];

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'east',
    maxLength: MAX_TEAM_LENGTH,
    description: 'Required for `sales` and `sales_manager`.',
  })
  @IsOptional()
  @IsString()
  @Length(1, MAX_TEAM_LENGTH)
  team?: string | null;
}

export class ChangeRolesDto {
  @ApiProperty({ enum: ROLES, isArray: true, example: ['sales_manager'] })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(ROLES.length)
  @IsIn(ROLES, { each: true })
  roles!: Role[];
}

export class ChangeTeamDto {
  @ApiProperty({ type: String, nullable: true, example: 'north', maxLength: MAX_TEAM_LENGTH })
  @ValidateIf((_, value) => value !== null)
  @IsString()
  @Length(1, MAX_TEAM_LENGTH)
  team!: string | null;
}

export class OffboardingNoticeDto {
  @ApiPropertyOptional({
    example: '2026-06-30T18:00:00+08:00',
    description: 'When access ends (a future ISO-8601 time). Omit it to offboard at once.',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  effectiveAt?: string;
}

export class ListUsersQueryDto {
  @ApiPropertyOptional({ description: 'Return users whose id sorts after this one.' })
  @IsOptional()
  @Matches(USER_ID_PATTERN)
  after?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

export class UserIdResponse {
  @ApiProperty({ example: 'wang.wei' })
  id!: string;
}

const STATUSES: UserDirectoryStatus[] = ['active', 'leaving', 'offboarded'];

export class UserResponse {
  @ApiProperty({ example: 'wang.wei' })
  id!: string;

  @ApiProperty({ example: '王伟' })
  displayName!: string;

  @ApiProperty({ enum: ROLES, isArray: true })
  roles!: Role[];

  @ApiProperty({ type: String, nullable: true })
  team!: string | null;

  @ApiProperty({ enum: STATUSES })
  status!: UserDirectoryStatus;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'When access ends, once notice is given.',
  })
  leavesAt!: string | null;

  @ApiProperty({ type: String, nullable: true })
  offboardedAt!: string | null;
}

/** A directory row: no display name (listed in bulk, so kept out of the read model). */
export class UserDirectoryEntryResponse {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ROLES, isArray: true }) roles!: Role[];
  @ApiProperty({ type: String, nullable: true }) team!: string | null;
  @ApiProperty({ enum: STATUSES }) status!: UserDirectoryStatus;
  @ApiProperty({ type: String, nullable: true }) leavesAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) offboardedAt!: string | null;
}

export class UserListResponse {
  @ApiProperty({ type: [UserDirectoryEntryResponse] })
  items!: UserDirectoryEntryResponse[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `after` for the next page.' })
  next!: string | null;
}

export class OffboardingResponse {
  @ApiProperty() id!: string;
  @ApiProperty({ description: 'When access ends (or ended).' }) effectiveAt!: string;
  @ApiProperty({ description: 'True when the user has left already.' }) offboarded!: boolean;
}
