import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  type AccessDecision,
  CUSTOMER_VIEWS,
  type CustomerAbility,
  type CustomerViews,
  customerAbilityFor,
  customerScope,
  decideCustomerAccess,
  type DirectoryRow,
  type FieldDisclosure,
  fieldsFor,
  mayAccessCustomer,
  purposeFor,
} from '@custodia/access';
import type { FieldName, PurposeCatalog } from '@custodia/consent';
import { isErased } from '@custodia/crypto-shredding';
import { customerStreamId } from '@custodia/customers';
import { EVENT_STORE, type EventStore } from '@custodia/event-store';
import type { Actor } from '@custodia/identity';
import { CurrentActor } from '../auth/auth.decorators';
import { PURPOSE_CATALOG } from '../customers/purpose-catalog.provider';
import { ProblemException } from '../http/problem-details';
import { AccessAudit } from './access-audit.service';
import { customerErased, customerNotFound, deniedProblem } from './access-problems';
import { type CustomerView, presentCustomer } from './customer-presenter';
import { DirectoryQueryDto, PageQueryDto } from './customer-reads.dto';
import { DeclaredPurpose } from './declared-purpose.decorator';
import { uuidParam } from '../http/uuid-param.pipe';

const CustomerId = uuidParam();
const PURPOSE_HEADER = {
  name: 'X-Purpose',
  required: true,
  description: 'The purpose of this read: a catalog id your role may use (GET /v1/purposes)',
};

/** Every read of customer data: decided by the policy, masked, and recorded before it leaves. */
@ApiTags('customers')
@ApiBearerAuth()
@ApiHeader(PURPOSE_HEADER)
@Controller('customers')
export class CustomerReadsController {
  constructor(
    @Inject(CUSTOMER_VIEWS) private readonly views: CustomerViews,
    @Inject(PURPOSE_CATALOG) private readonly catalog: PurposeCatalog,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly audit: AccessAudit,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The customer directory in your scope, masked, for a purpose' })
  async list(
    @Query() query: DirectoryQueryDto,
    @DeclaredPurpose() purpose: string,
    @CurrentActor() actor: Actor,
  ): Promise<{ items: CustomerView[]; nextCursor: string | null }> {
    const route = 'GET /v1/customers';
    const found = purposeFor(actor, purpose, this.catalog);
    if ('reason' in found) {
      await this.audit.denied({ actor, purpose, route }, 'read', null, found.reason);
      throw deniedProblem(found.reason);
    }
    // A lookup by phone or e-mail answers "is this a customer, and which one?": only for a
    // role that sees the field for this purpose.
    const visible = fieldsFor(found.roles, found.purpose, undefined);
    const unseen = (['phone', 'email'] as const).filter(
      (field) => query[field] !== undefined && !visible.has(field),
    );
    if (unseen.length > 0) {
      await this.audit.denied({ actor, purpose, route }, 'read', null, 'FIELD_NOT_VISIBLE');
      throw new ProblemException({
        status: 403,
        slug: 'access-field-not-visible',
        title: 'Forbidden',
        detail: `${unseen.join(', ')}: you may not search by a field your role does not see for this purpose`,
        code: 'ACCESS.FIELD_NOT_VISIBLE',
        errors: unseen.map((field) => ({
          field,
          rule: 'not visible to your role for this purpose',
        })),
      });
    }
    const ability = customerAbilityFor(actor);
    const scope = customerScope(ability, 'read');
    if (scope.kind === 'none') {
      await this.audit.denied({ actor, purpose, route }, 'read', null, 'OUT_OF_SCOPE');
      throw noCustomersForRole();
    }
    const { cursor, limit, ...filters } = query;
    // Customers whose basis does not cover the purpose are not listed for it (a duty owed for
    // every customer covers them all).
    const page = await this.views.listDirectory(
      {
        ...filters,
        scope,
        ...(found.purpose.everyCustomer ? {} : { coveringPurpose: purpose }),
      },
      cursor,
      limit ?? 50,
    );
    const items: CustomerView[] = [];
    const disclosed = new Map<FieldName, FieldDisclosure>();
    for (const row of page.items) {
      const decision = this.decide(actor, ability, purpose, row);
      if (!decision.allowed) continue; // e.g. a basis that ended since the page was read
      const shown = presentCustomer(purpose, row, undefined, decision.fields);
      items.push(shown.view);
      for (const disclosure of shown.disclosed) disclosed.set(disclosure.field, disclosure);
    }
    if (items.length > 0) {
      await this.audit.accessed(
        { actor, purpose, route },
        items.map((item) => item.id),
        [...disclosed.values()],
      );
    }
    return { items, nextCursor: page.nextCursor };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One customer as your role sees it for the purpose' })
  async get(
    @Param('id', CustomerId) id: string,
    @DeclaredPurpose() purpose: string,
    @CurrentActor() actor: Actor,
  ): Promise<CustomerView> {
    const route = 'GET /v1/customers/:id';
    const { row, decision } = await this.authorize(actor, purpose, id, route);
    const needsFinance = ['products', 'quote', 'orderStatus'].some((field) =>
      decision.fields.has(field as FieldName),
    );
    const finance = needsFinance ? await this.views.financeOf(id) : undefined;
    const shown = presentCustomer(purpose, row, finance, decision.fields);
    await this.audit.accessed({ actor, purpose, route }, [id], shown.disclosed);
    return shown.view;
  }

  @Get(':id/consents')
  @ApiOperation({ summary: "The customer's consents and other bases, active and ended" })
  async consents(
    @Param('id', CustomerId) id: string,
    @DeclaredPurpose() purpose: string,
    @CurrentActor() actor: Actor,
  ) {
    const route = 'GET /v1/customers/:id/consents';
    // Consents say why data may be used: needed to see whether a purpose is covered, so the
    // purpose must be the role's and the customer in scope, but need not be covered itself.
    await this.authorize(actor, purpose, id, route, { requireCoverage: false });
    const items = await this.views.consentsOf(id);
    await this.audit.accessed({ actor, purpose, route }, [id], []);
    return { items };
  }

  @Get(':id/follow-ups')
  @ApiOperation({
    summary: "The customer's follow-ups, newest first",
    description:
      'Notes (summary, next step) are opened from the log for follow-ups logged under the ' +
      'declared purpose, when your role sees notes; other follow-ups show without them.',
  })
  async followUps(
    @Param('id', CustomerId) id: string,
    @Query() query: PageQueryDto,
    @DeclaredPurpose() purpose: string,
    @CurrentActor() actor: Actor,
  ) {
    const route = 'GET /v1/customers/:id/follow-ups';
    const { decision } = await this.authorize(actor, purpose, id, route);
    const page = await this.views.followUpsOf(id, query.cursor, query.limit ?? 50);
    const notesView = decision.fields.get('followUpNotes');
    // Notes of follow-ups logged under the declared purpose (purpose limitation); a duty owed for
    // every customer (privacy_rights) covers all of them.
    const notesOf = (item: { purpose: string }) =>
      notesView !== undefined && (item.purpose === purpose || decision.purpose.everyCustomer);
    const notes =
      notesView === 'full' && page.items.some(notesOf)
        ? await this.openNotes(id)
        : new Map<string, { summary: unknown; nextStep: unknown }>();
    const business = (field: FieldName) => decision.fields.has(field);
    const items = page.items.map((item) => {
      const own = notesOf(item);
      const opened = notes.get(item.eventId);
      return {
        id: item.followUpId,
        purpose: item.purpose,
        channel: item.channel,
        occurredAt: item.occurredAt,
        nextFollowUpAt: item.nextFollowUpAt,
        ...(business('products') && item.products !== null ? { products: item.products } : {}),
        ...(business('quote') && item.quote !== null ? { quote: item.quote } : {}),
        ...(business('orderStatus') && item.orderStatus !== null
          ? { orderStatus: item.orderStatus }
          : {}),
        ...(own && notesView === 'masked' ? { summary: '***' } : {}),
        ...(own && notesView === 'full' && opened ? presentNotes(opened) : {}),
      };
    });
    const disclosed: FieldDisclosure[] = [...decision.fields]
      .filter(([field]) => ['followUpNotes', 'products', 'quote', 'orderStatus'].includes(field))
      .map(([field, view]) => ({ field, view }));
    await this.audit.accessed({ actor, purpose, route }, [id], disclosed);
    return { items, nextCursor: page.nextCursor };
  }

  /** Loads the customer and decides; a refusal is recorded (AccessDenied) before it is sent. */
  private async authorize(
    actor: Actor,
    purpose: string,
    customerId: string,
    route: string,
    options: { requireCoverage: boolean } = { requireCoverage: true },
  ): Promise<{ row: DirectoryRow; decision: Extract<AccessDecision, { allowed: true }> }> {
    const row = await this.views.directoryEntry(customerId);
    if (row === undefined) throw customerNotFound();
    const ability = customerAbilityFor(actor);
    if (row.erased) {
      // Scope first, from the tombstone's owner and team: out of scope stays a 404 so erased
      // ids cannot be probed either; in scope, 410 and nothing else (no value is left to show).
      if (!mayAccessCustomer(ability, 'read', row)) {
        await this.audit.denied({ actor, purpose, route }, 'read', customerId, 'OUT_OF_SCOPE');
        throw deniedProblem('OUT_OF_SCOPE');
      }
      throw customerErased();
    }
    const decision = this.decide(actor, ability, purpose, row, options);
    if (!decision.allowed) {
      await this.audit.denied({ actor, purpose, route }, 'read', customerId, decision.reason);
      throw deniedProblem(decision.reason);
    }
    return { row, decision };
  }

  private decide(
    actor: Actor,
    ability: CustomerAbility,
    purpose: string,
    row: DirectoryRow,
    options: { requireCoverage: boolean } = { requireCoverage: true },
  ): AccessDecision {
    return decideCustomerAccess(actor, ability, 'read', purpose, row, this.catalog, options);
  }

  /** The notes of the customer's follow-ups, opened from the log (erased ones stay erased). */
  private async openNotes(customerId: string) {
    const events = await this.store.readStream(customerStreamId(customerId));
    const notes = new Map<string, { summary: unknown; nextStep: unknown }>();
    for (const event of events) {
      if (event.type !== 'FollowUpLogged') continue;
      const data = event.data as { summary?: unknown; nextStep?: unknown };
      notes.set(event.id, { summary: data.summary, nextStep: data.nextStep });
    }
    return notes;
  }
}

const presentNotes = (notes: { summary: unknown; nextStep: unknown }) => {
  const erased = isErased(notes.summary);
  return {
    summary: erased ? null : notes.summary,
    ...(notes.nextStep === undefined
      ? {}
      : { nextStep: isErased(notes.nextStep) ? null : notes.nextStep }),
    ...(erased ? { erased: true } : {}),
  };
};

const noCustomersForRole = (): ProblemException =>
  new ProblemException({
    status: 403,
    slug: 'access-out-of-scope',
    title: 'Forbidden',
    detail: 'your roles give you no customers to read',
    code: 'ACCESS.OUT_OF_SCOPE',
  });
