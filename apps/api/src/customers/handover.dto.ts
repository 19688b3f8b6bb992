import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';

export class HandoverDto {
  @ApiProperty({ example: 'rep.east', description: 'The leaving owner: every customer of theirs' })
  @IsString()
  @MaxLength(128)
  fromOwnerId!: string;

  @ApiProperty({ example: 'rep.east.2', description: 'An active sales rep or sales manager' })
  @IsString()
  @MaxLength(128)
  toOwnerId!: string;
}

export class HandoverFailure {
  @ApiProperty() customerId!: string;
  @ApiProperty({ example: 'CUSTOMER.NOT_FOUND' }) code!: string;
}

export class HandoverResponse {
  @ApiProperty({ description: 'Customers now owned by toOwnerId' }) transferred!: number;
  @ApiProperty({ type: [HandoverFailure] }) failed!: HandoverFailure[];
}
