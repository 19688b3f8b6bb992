import { Body, Controller, HttpCode, Inject, Post, UseInterceptors } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { CustomerError } from '@custodia/customers';
import { type Actor, GetUserQuery } from '@custodia/identity';
import { CLOCK, type Clock } from '@custodia/platform';
import { DATA_SOURCE } from '@custodia/runtime';
import { commandMetadata } from '../auth/actor-context';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { IdempotencyInterceptor } from '../http/idempotency.interceptor';
import { ownerTeam } from './customer-access.policy';
import { HandoverDto, type HandoverFailure, HandoverResponse } from './handover.dto';
import { TransferCustomerOwnershipCommand } from './transfer-customer-ownership.handler';

const PAGE = 200;

/** A typed error's code (domain, event store); anything else is a fault, not a refusal. */
const codeOf = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && typeof code === 'string' ? code : undefined;
};

/**
 * Hands every customer of a leaving owner over to another, one transfer per customer (each
 * checked and appended on its own stream, like `POST /v1/customers/:id/owner`).
 */
@ApiTags('customers')
@ApiBearerAuth()
@UseInterceptors(IdempotencyInterceptor)
@Controller('customers')
export class HandoverController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
  ) {}

  @Post('handover')
  @HttpCode(200)
  @Roles('sales_manager', 'admin')
  @ApiOperation({
    summary: "Hand all of an owner's customers over to another rep",
    description:
      "A sales manager hands over their team's customers, to someone of their team; an admin " +
      'any customer to anyone. Customers are found in the customer directory (a read model, ' +
      'so one registered a moment ago may be missed: repeat the call). Refusals per customer ' +
      'are listed in `failed` with their code.',
  })
  @ApiOkResponse({ type: HandoverResponse })
  async handover(
    @Body() body: HandoverDto,
    @CurrentActor() actor: Actor,
  ): Promise<HandoverResponse> {
    if (body.fromOwnerId === body.toOwnerId) {
      throw new CustomerError(
        'CUSTOMER.FIELD_INVALID',
        'toOwnerId: must differ from fromOwnerId',
        'toOwnerId',
      );
    }
    // Check the new owner once, before any transfer: the same rule each transfer applies.
    const owner = await this.queries.execute(new GetUserQuery(body.toOwnerId));
    ownerTeam(actor, owner ?? null, this.clock.now());
    let transferred = 0;
    const failed: HandoverFailure[] = [];
    for await (const customerId of this.customersOf(body.fromOwnerId, actor)) {
      try {
        await this.commands.execute(
          new TransferCustomerOwnershipCommand(
            customerId,
            body.toOwnerId,
            commandMetadata(actor, this.clock),
            actor,
          ),
        );
        transferred += 1;
      } catch (error) {
        const code = codeOf(error);
        if (code === undefined) throw error;
        failed.push({ customerId, code });
      }
    }
    return { transferred, failed };
  }

  /** The owner's customers in id order, page by page; a manager sees their team's only. */
  private async *customersOf(ownerId: string, actor: Actor): AsyncGenerator<string> {
    const team = actor.roles.includes('admin') ? null : actor.team;
    if (team === null && !actor.roles.includes('admin')) return;
    let after: string | null = null;
    for (;;) {
      const rows: { customer_id: string }[] = await this.dataSource.query(
        `SELECT customer_id FROM access_customer_directory
          WHERE owner_id = $1
            AND ($2::text IS NULL OR team = $2)
            AND ($3::uuid IS NULL OR customer_id > $3)
          ORDER BY customer_id
          LIMIT $4`,
        [ownerId, team, after, PAGE],
      );
      for (const row of rows) yield row.customer_id;
      const last = rows.at(-1);
      if (rows.length < PAGE || last === undefined) return;
      after = last.customer_id;
    }
  }
}
