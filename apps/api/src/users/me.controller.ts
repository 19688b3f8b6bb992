import { Controller, Get } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { type Actor, type Role, ROLES } from '@custodia/identity';
import { CurrentActor } from '../auth/auth.decorators';

export class MeResponse {
  @ApiProperty({ example: 'wang.wei' }) id!: string;
  @ApiProperty({ enum: ROLES, isArray: true }) roles!: Role[];
  @ApiProperty({ type: String, nullable: true }) team!: string | null;
}

/** Who the token acts as, with roles and team as the directory has them now. Any active user. */
@ApiTags('users')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'Missing or invalid token, or the user has left' })
@Controller('me')
export class MeController {
  @Get()
  @ApiOperation({ summary: 'The calling user: id, roles and team' })
  @ApiOkResponse({ type: MeResponse })
  me(@CurrentActor() actor: Actor): MeResponse {
    return { id: actor.userId, roles: [...actor.roles], team: actor.team };
  }
}
