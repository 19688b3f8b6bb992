import { ApiProperty } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsString,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import { fieldNames } from '@custodia/consent';

export class RevealDto {
  @ApiProperty({ example: ['phone'], enum: fieldNames, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(12)
  @IsIn(fieldNames, { each: true })
  fields!: string[];

  @ApiProperty({ example: 'sales_followup' })
  @IsString()
  @Matches(/^[a-z][a-z0-9_]{0,63}$/)
  purpose!: string;

  @ApiProperty({
    description: 'Why the clear value is needed; stored sealed under the customer key',
  })
  @IsString()
  @MinLength(3)
  @MaxLength(500)
  reason!: string;
}
