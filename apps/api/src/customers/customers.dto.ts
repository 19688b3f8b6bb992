import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { type ConsentChannel, consentChannels } from '@custodia/consent';

// Shapes only: formats (mobile, ID number, notice hashes) are the deciders' rules, checked on
// the command so that every entry point applies them the same way.

export class ConsentInputDto {
  @ApiProperty({ example: 'sales_followup' }) @IsString() @MaxLength(64) purpose!: string;
  @ApiProperty({ example: 'general-2025-06' }) @IsString() @MaxLength(64) noticeVersion!: string;

  @ApiPropertyOptional({ description: 'SHA-256 of the text shown; else that of `language`' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  noticeSha256?: string;

  @ApiPropertyOptional({ example: 'zh-CN', description: 'Language of the text shown (zh-CN)' })
  @IsOptional()
  @IsString()
  @MaxLength(35)
  language?: string;

  @ApiProperty({ enum: consentChannels }) @IsIn(consentChannels) channel!: ConsentChannel;

  @ApiPropertyOptional({ description: 'Given on its own (PIPL art. 29)' })
  @IsOptional()
  @IsBoolean()
  separate?: boolean;

  @ApiPropertyOptional({ description: 'Where the proof is kept' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  evidence?: string;
}

export class LawfulBasisInputDto {
  @ApiProperty({ example: 'service' }) @IsString() @MaxLength(64) purpose!: string;
  @ApiProperty({ example: 'general-2025-06' }) @IsString() @MaxLength(64) noticeVersion!: string;
  @IsOptional() @IsString() @MaxLength(64) noticeSha256?: string;
  @IsOptional() @IsString() @MaxLength(35) language?: string;

  @ApiPropertyOptional({ description: 'E.g. the contract number' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reference?: string;
}

class ProfileDto {
  @IsOptional() @IsString() @MaxLength(500) email?: string | null;
  @IsOptional() @IsString() @MaxLength(500) wechat?: string | null;
  @IsOptional() @IsString() @MaxLength(500) address?: string | null;
  @IsOptional() @IsString() @MaxLength(32) idNumber?: string | null;
  @IsOptional() @IsInt() income?: number | null;
  @IsOptional() @IsString() @MaxLength(500) company?: string | null;
}

export class RegisterCustomerDto extends ProfileDto {
  @ApiProperty() @IsString() @MaxLength(500) name!: string;
  @ApiProperty({ example: '13800138000' }) @IsString() @MaxLength(32) phone!: string;

  @ApiPropertyOptional({ description: 'Defaults to the caller; the customer takes their team' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  ownerId?: string;

  @ApiProperty({ type: [ConsentInputDto] })
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => ConsentInputDto)
  consents!: ConsentInputDto[];

  @ApiPropertyOptional({ type: [LawfulBasisInputDto], description: 'Contract or legal basis' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => LawfulBasisInputDto)
  lawfulBases?: LawfulBasisInputDto[];
}

/** RFC 7396: a value sets the field, `null` removes it, absent leaves it. */
export class UpdateCustomerDto extends ProfileDto {
  @IsOptional() @IsString() @MaxLength(500) name?: string | null;
  @IsOptional() @IsString() @MaxLength(32) phone?: string | null;
}

export class WithdrawConsentQueryDto {
  @ApiProperty({ enum: consentChannels }) @IsIn(consentChannels) channel!: ConsentChannel;
}

export class QuoteDto {
  @ApiProperty() @IsNumber() amount!: number;
  @ApiProperty({ example: 'CNY' }) @IsString() @MaxLength(3) currency!: string;
}

export class LogFollowUpDto {
  @ApiProperty() @IsString() @MaxLength(64) purpose!: string;
  @ApiProperty() @IsString() @MaxLength(32) channel!: string;
  @ApiProperty({ example: '2026-01-05T09:30:00Z' }) @IsString() @MaxLength(40) occurredAt!: string;
  @ApiProperty() @IsString() @MaxLength(4000) summary!: string;
  @IsOptional() @IsString() @MaxLength(1000) nextStep?: string;
  @IsOptional() @IsString() @MaxLength(40) nextFollowUpAt?: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  products?: string[];

  @IsOptional() @ValidateNested() @Type(() => QuoteDto) quote?: QuoteDto;
  @IsOptional() @IsString() @MaxLength(32) orderStatus?: string;
}

export class TransferOwnerDto {
  @ApiProperty() @IsString() @MaxLength(128) ownerId!: string;
}

export class CreatedResponse {
  @ApiProperty() id!: string;
}
