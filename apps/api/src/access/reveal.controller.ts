import { Body, Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  CUSTOMER_VIEWS,
  type CustomerViews,
  customerAbilityFor,
  decideCustomerAccess,
  mayAccessCustomer,
  mayReveal,
  PostgresRevealBudget,
  rolesForPurpose,
} from '@custodia/access';
import type { FieldName, PurposeCatalog } from '@custodia/consent';
import { isErased } from '@custodia/crypto-shredding';
import {
  createCustomerDecider,
  customerStreamId,
  isCustomerAggregateEvent,
} from '@custodia/customers';
import { EVENT_STORE, type EventStore } from '@custodia/event-store';
import type { Actor } from '@custodia/identity';
import { CLOCK, type Clock, fold } from '@custodia/platform';
import { CurrentActor } from '../auth/auth.decorators';
import { PURPOSE_CATALOG } from '../customers/purpose-catalog.provider';
import { ProblemException } from '../http/problem-details';
import { AccessAudit } from './access-audit.service';
import { customerErased, customerNotFound, deniedProblem } from './access-problems';
import { RevealDto } from './reveal.dto';
import { uuidParam } from '../http/uuid-param.pipe';

/** The fields a reveal can return: the profile's, and the notes of the follow-ups. */
const REVEALABLE_FIELDS: readonly FieldName[] = [
  'name',
  'phone',
  'email',
  'wechat',
  'address',
  'idNumber',
  'income',
  'followUpNotes',
];

type RevealedNote = { followUpId: string; summary: unknown; nextStep?: unknown };

/** Clear values, to whom policy allows, for a purpose and a reason; each reveal recorded first. */
@ApiTags('customers')
@ApiBearerAuth()
@Controller('customers')
export class RevealController {
  private readonly decider;

  constructor(
    @Inject(CUSTOMER_VIEWS) private readonly views: CustomerViews,
    @Inject(PURPOSE_CATALOG) private readonly catalog: PurposeCatalog,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly budget: PostgresRevealBudget,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly audit: AccessAudit,
  ) {
    this.decider = createCustomerDecider(catalog);
  }

  @Post(':id/reveal')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Reveal clear values of masked fields (audited, rate-limited per user)',
    description:
      'Your role must be allowed to reveal each field, the purpose must be yours and covered by ' +
      "the customer's consent or basis. Under offboarding notice the limit is lower and every " +
      'reveal raises an alert.',
  })
  async reveal(
    @Param('id', uuidParam()) id: string,
    @Body() body: RevealDto,
    @CurrentActor() actor: Actor,
  ): Promise<{
    customerId: string;
    fields: Partial<Record<FieldName, unknown>>;
    erased: FieldName[];
  }> {
    const route = 'POST /v1/customers/:id/reveal';
    const who = { actor, purpose: body.purpose, route };
    const row = await this.views.directoryEntry(id);
    if (row === undefined) throw customerNotFound();
    // Scope and purpose as for a read (out of scope stays a 404); revealing is a right of its own.
    const ability = customerAbilityFor(actor);
    if (row.erased) {
      // The tombstone keeps owner and team: scope decides 404 before the 410.
      if (!mayAccessCustomer(ability, 'read', row)) {
        await this.audit.denied(who, 'reveal', id, 'OUT_OF_SCOPE');
        throw deniedProblem('OUT_OF_SCOPE');
      }
      throw customerErased();
    }
    const decision = decideCustomerAccess(actor, ability, 'read', body.purpose, row, this.catalog);
    if (!decision.allowed) {
      await this.audit.denied(who, 'reveal', id, decision.reason);
      throw deniedProblem(decision.reason);
    }
    const fields = [...new Set(body.fields)] as FieldName[];
    const roles = rolesForPurpose(actor, decision.purpose);
    const mayRevealHere = mayAccessCustomer(ability, 'reveal', row);
    const refused = fields.filter(
      (field) =>
        !mayRevealHere ||
        !REVEALABLE_FIELDS.includes(field) ||
        !decision.fields.has(field) ||
        !mayReveal(roles, field),
    );
    if (refused.length > 0) {
      await this.audit.denied(who, 'reveal', id, 'FIELD_NOT_REVEALABLE');
      throw new ProblemException({
        status: 403,
        slug: 'access-field-not-revealable',
        title: 'Forbidden',
        detail: `fields: not revealable for your role and this purpose: ${refused.join(', ')}`,
        code: 'ACCESS.FIELD_NOT_REVEALABLE',
        errors: refused.map((field) => ({ field: `fields.${field}`, rule: 'not revealable' })),
      });
    }
    const underNotice = actor.leavesAt !== undefined;
    if (!(await this.budget.tryTake(actor.userId, underNotice, fields.length, this.clock.now()))) {
      await this.audit.denied(who, 'reveal', id, 'RATE_LIMITED');
      throw new ProblemException({
        status: 429,
        slug: 'access-rate-limited',
        title: 'Too Many Requests',
        detail: underNotice
          ? 'reveals: the hourly limit for users under offboarding notice is reached'
          : 'reveals: your hourly limit is reached',
        code: 'ACCESS.RATE_LIMITED',
      });
    }
    const { profile, notes, erased: erasedInLog } = await this.currentRecord(id);
    if (profile === undefined) throw customerNotFound();
    // The log is ahead of the directory right after an erasure: it decides too.
    if (erasedInLog) throw customerErased();
    const values: Partial<Record<FieldName, unknown>> = {};
    const erased: FieldName[] = [];
    for (const field of fields) {
      if (field === 'followUpNotes') {
        if (notes.some((note) => isErased(note.summary))) erased.push(field);
        else values[field] = notes;
        continue;
      }
      const value = profile[field];
      if (isErased(value)) erased.push(field);
      else if (value !== undefined) values[field] = value;
    }
    // Recorded before the values leave: if this fails, nothing is sent.
    await this.audit.revealed(who, id, fields, body.reason);
    return { customerId: id, fields: values, erased };
  }

  /**
   * The profile as of the last event and the follow-up notes, opened from the log (the read
   * models hold no clear value).
   */
  private async currentRecord(customerId: string): Promise<{
    profile: Record<string, unknown> | undefined;
    notes: RevealedNote[];
    erased: boolean;
  }> {
    const events = await this.store.readStream(customerStreamId(customerId));
    const messages: { readonly type: string; readonly data: object }[] = events;
    const state = fold(this.decider, messages.filter(isCustomerAggregateEvent));
    const notes = events
      .filter((event) => event.type === 'FollowUpLogged')
      .map((event) => {
        const data = event.data as { followUpId: string; summary: unknown; nextStep?: unknown };
        return {
          followUpId: data.followUpId,
          summary: data.summary,
          ...(data.nextStep === undefined ? {} : { nextStep: data.nextStep }),
        };
      });
    return {
      profile: state.customer?.profile,
      notes,
      erased: state.customer?.erasedAt !== undefined,
    };
  }
}
