import { ApiProperty } from '@nestjs/swagger';
import { IsISO8601, IsUUID } from 'class-validator';

export class ExposureQueryDto {
  @ApiProperty({ description: 'The customer (UUID)' })
  @IsUUID()
  customerId!: string;

  @ApiProperty({ description: 'The moment (ISO-8601 with offset)' })
  @IsISO8601({ strict: true })
  at!: string;
}
