import {
  Body,
  Controller,
  Delete,
  HttpCode,
  Inject,
  Param,
  Patch,
  Post,
  Query,
  UseInterceptors,
} from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { PurposeCatalog } from '@custodia/consent';
import type { FollowUpChannel, OrderStatus } from '@custodia/follow-ups';
import type { Actor } from '@custodia/identity';
import { CLOCK, type Clock } from '@custodia/platform';
import { commandMetadata } from '../auth/actor-context';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { IdempotencyInterceptor } from '../http/idempotency.interceptor';
import {
  ConsentInputDto,
  CreatedResponse,
  LogFollowUpDto,
  RegisterCustomerDto,
  TransferOwnerDto,
  UpdateCustomerDto,
  WithdrawConsentQueryDto,
} from './customers.dto';
import { GrantConsentCommand } from './grant-consent.handler';
import { LogFollowUpCommand } from './log-follow-up.handler';
import { PURPOSE_CATALOG } from './purpose-catalog.provider';
import { RegisterCustomerCommand } from './register-customer.handler';
import { TransferCustomerOwnershipCommand } from './transfer-customer-ownership.handler';
import { UpdateCustomerProfileCommand } from './update-customer-profile.handler';
import { WithdrawConsentCommand } from './withdraw-consent.handler';
import { uuidParam } from '../http/uuid-param.pipe';

const CustomerId = uuidParam();

/** The customer's stream over HTTP. Refusals are problem+json naming the field, never a value. */
@ApiTags('customers')
@ApiBearerAuth()
@UseInterceptors(IdempotencyInterceptor)
@Controller('customers')
export class CustomersController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(PURPOSE_CATALOG) private readonly catalog: PurposeCatalog,
  ) {}

  @Post()
  @Roles('sales', 'sales_manager')
  @ApiOperation({ summary: 'Register a customer with the consents given (one append)' })
  @ApiCreatedResponse({ type: CreatedResponse })
  async register(
    @Body() body: RegisterCustomerDto,
    @CurrentActor() actor: Actor,
  ): Promise<CreatedResponse> {
    const { consents, lawfulBases, ownerId, ...profile } = body;
    const { customerId } = await this.commands.execute(
      new RegisterCustomerCommand(
        {
          profile: profile as RegisterCustomerCommand['input']['profile'],
          consents: consents.map((consent) => this.withNoticeHash(consent)),
          ...(lawfulBases === undefined
            ? {}
            : { lawfulBases: lawfulBases.map((basis) => this.withNoticeHash(basis)) }),
          ...(ownerId === undefined ? {} : { ownerId }),
        },
        commandMetadata(actor, this.clock),
        actor,
      ),
    );
    return { id: customerId };
  }

  @Patch(':id')
  @HttpCode(204)
  @Roles('sales', 'sales_manager')
  @ApiOperation({ summary: 'Change the profile: a value sets a field, null removes it' })
  async update(
    @Param('id', CustomerId) id: string,
    @Body() body: UpdateCustomerDto,
    @CurrentActor() actor: Actor,
  ): Promise<void> {
    await this.commands.execute(
      new UpdateCustomerProfileCommand(id, body, commandMetadata(actor, this.clock), actor),
    );
  }

  @Post(':id/consents')
  @HttpCode(204)
  @Roles('sales', 'sales_manager')
  @ApiOperation({ summary: 'Record a consent the customer gave' })
  async grant(
    @Param('id', CustomerId) id: string,
    @Body() body: ConsentInputDto,
    @CurrentActor() actor: Actor,
  ): Promise<void> {
    await this.commands.execute(
      new GrantConsentCommand(
        { ...this.withNoticeHash(body), customerId: id },
        commandMetadata(actor, this.clock),
        actor,
      ),
    );
  }

  @Delete(':id/consents/:purpose')
  @HttpCode(204)
  @Roles('sales', 'sales_manager')
  @ApiOperation({ summary: 'Withdraw a consent: takes effect at once' })
  async withdraw(
    @Param('id', CustomerId) id: string,
    @Param('purpose') purpose: string,
    @Query() query: WithdrawConsentQueryDto,
    @CurrentActor() actor: Actor,
  ): Promise<void> {
    await this.commands.execute(
      new WithdrawConsentCommand(
        { customerId: id, purpose, channel: query.channel },
        commandMetadata(actor, this.clock),
        actor,
      ),
    );
  }

  @Post(':id/follow-ups')
  @Roles('sales', 'sales_manager')
  @ApiOperation({ summary: 'Log a follow-up under a purpose whose consent is active' })
  @ApiCreatedResponse({ type: CreatedResponse })
  async logFollowUp(
    @Param('id', CustomerId) id: string,
    @Body() body: LogFollowUpDto,
    @CurrentActor() actor: Actor,
  ): Promise<CreatedResponse> {
    // Channel and order status are checked by the follow-up decider, like every other part.
    const { orderStatus, channel, ...content } = body;
    const { followUpId } = await this.commands.execute(
      new LogFollowUpCommand(
        {
          ...content,
          channel: channel as FollowUpChannel,
          ...(orderStatus === undefined ? {} : { orderStatus: orderStatus as OrderStatus }),
          customerId: id,
        },
        commandMetadata(actor, this.clock),
        actor,
      ),
    );
    return { id: followUpId };
  }

  @Post(':id/owner')
  @HttpCode(204)
  @Roles('sales_manager', 'admin')
  @ApiOperation({ summary: 'Hand the customer over to another rep (and their team)' })
  async transfer(
    @Param('id', CustomerId) id: string,
    @Body() body: TransferOwnerDto,
    @CurrentActor() actor: Actor,
  ): Promise<void> {
    await this.commands.execute(
      new TransferCustomerOwnershipCommand(
        id,
        body.ownerId,
        commandMetadata(actor, this.clock),
        actor,
      ),
    );
  }

  /** The hash of the text shown: as sent, or that of the notice in `language` (zh-CN). */
  private withNoticeHash<T extends { noticeVersion: string }>({
    language,
    noticeSha256,
    ...consent
  }: T & { language?: string; noticeSha256?: string }) {
    const sha256 =
      noticeSha256 ??
      this.catalog.notices
        .get(consent.noticeVersion)
        ?.texts.find((text) => text.language === (language ?? 'zh-CN'))?.sha256 ??
      '';
    return { ...consent, noticeSha256: sha256 };
  }
}
