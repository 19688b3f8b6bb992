import {
  Body,
  Controller,
  Delete,
  HttpCode,
  Inject,
  Param,
  Post,
  UseInterceptors,
} from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Actor } from '@custodia/identity';
import { CLOCK, type Clock } from '@custodia/platform';
import { LiftLegalHoldCommand, PlaceLegalHoldCommand } from '@custodia/privacy';
import { commandMetadata } from '../auth/actor-context';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { IdempotencyInterceptor } from '../http/idempotency.interceptor';
import { CustomerIdPipe, PrivacyIdPipe } from './privacy-id.pipes';
import { LegalHoldIdResponse, PlaceLegalHoldDto } from './privacy.dto';

/** Legal holds: while one applies, a customer's erasure is deferred. DPO only. */
@ApiTags('privacy')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'Missing or invalid token, or the user has left' })
@ApiForbiddenResponse({ description: 'Only the data protection officer (`dpo`)' })
@Roles('dpo')
@UseInterceptors(IdempotencyInterceptor)
@Controller()
export class LegalHoldsController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post('customers/:id/legal-holds')
  @ApiOperation({ summary: "Place a hold on a customer's erasure (reason sealed, basis in clear)" })
  @ApiCreatedResponse({ type: LegalHoldIdResponse })
  async place(
    @Param('id', CustomerIdPipe) customerId: string,
    @Body() body: PlaceLegalHoldDto,
    @CurrentActor() actor: Actor,
  ): Promise<LegalHoldIdResponse> {
    const { holdId } = await this.commands.execute(
      new PlaceLegalHoldCommand(
        {
          customerId,
          reason: body.reason,
          basis: body.basis,
          ...(body.until === undefined ? {} : { until: body.until }),
        },
        commandMetadata(actor, this.clock),
      ),
    );
    return { id: holdId };
  }

  @Delete('legal-holds/:id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Lift a hold; deferred requests no other hold applies to are resumed',
    description:
      'The hold is found through the legal-holds read model: a hold placed a moment ago may answer 404 briefly.',
  })
  @ApiNoContentResponse()
  async lift(@Param('id', PrivacyIdPipe) id: string, @CurrentActor() actor: Actor): Promise<void> {
    await this.commands.execute(new LiftLegalHoldCommand(id, commandMetadata(actor, this.clock)));
  }
}
