import {
  type AccessEvent,
  type ActiveBasis,
  type CustomerAbility,
  customerAbilityFor,
  decideCustomerAccess,
  type FieldDisclosure,
  mayReveal,
} from '@custodia/access';
import type { FieldName, PurposeCatalog } from '@custodia/consent';
import type { NewEvent } from '@custodia/event-store';
import type { Actor } from '@custodia/identity';
import type { SeededCustomer } from './customer-history';
import { type SeededRandom, seededUuid, WeightedTable } from './seeded-random';
import type { Staff, StaffMember } from './seed-staff';
import { businessTime } from './seed-time';

type AccessKind = 'view' | 'list' | 'manager-view' | 'reveal' | 'export' | 'denied';

const KINDS = new WeightedTable<AccessKind>([
  ['view', 55],
  ['list', 12],
  ['manager-view', 8],
  ['reveal', 12],
  ['export', 3],
  ['denied', 10],
]);

const REVEAL_REASONS = [
  '需要电话联系客户确认订单',
  '客户要求回电',
  '核对收货地址',
  '发送合同前核对联系方式',
  '安排上门拜访',
];

const PURPOSE = 'sales_followup';
const MINUTE = 60_000;

const actorOf = (member: StaffMember): Actor => ({
  userId: member.userId,
  roles: member.roles,
  team: member.team,
});

/**
 * Access events about one customer, in the shapes the access recorder writes: each allowed or
 * denied by the product's own access decision (role, purpose, scope, the customer's bases).
 */
export class AccessHistoryGenerator {
  // Built once per user: the policy is the same for every customer.
  private readonly abilities = new Map<string, CustomerAbility>();

  constructor(
    private readonly seed: number,
    private readonly catalog: PurposeCatalog,
    private readonly staff: Staff,
    private readonly asOf: number,
  ) {}

  generate(
    customer: SeededCustomer,
    activeBases: readonly ActiveBasis[],
    count: number,
    random: SeededRandom,
  ): NewEvent[] {
    const events: NewEvent[] = [];
    for (let serial = 0; serial < count; serial++) {
      const at = new Date(businessTime(random, customer.registeredAt + 5 * MINUTE, this.asOf));
      const requestId = seededUuid(this.seed, 'accessEvent', customer.index, 2 ** 29 + serial);
      const kind = KINDS.pick(random);
      const event = this.one(customer, activeBases, kind, random, at.toISOString(), {
        requestId,
        watermark: seededUuid(this.seed, 'accessEvent', customer.index, 2 ** 29 + 2 ** 28 + serial),
      });
      events.push({
        id: seededUuid(this.seed, 'accessEvent', customer.index, serial),
        type: event.type,
        data: event.data,
        // As the recorder writes it: ids only.
        metadata: { actorId: event.data.actorId, correlationId: event.data.requestId },
      });
    }
    return events;
  }

  private one(
    customer: SeededCustomer,
    activeBases: readonly ActiveBasis[],
    kind: AccessKind,
    random: SeededRandom,
    at: string,
    { requestId, watermark }: { readonly requestId: string; readonly watermark: string },
  ): AccessEvent {
    const owner = this.staff.member(customer.ownerId);
    const manager = this.staff.managerOf(customer.team);
    const member =
      kind === 'manager-view' || kind === 'export'
        ? manager
        : kind === 'denied'
          ? this.otherRep(customer, random)
          : owner;
    const actor = actorOf(member);
    const action = kind === 'reveal' ? 'reveal' : kind === 'export' ? 'export' : 'read';
    const route =
      kind === 'list'
        ? 'GET /v1/customers'
        : kind === 'reveal'
          ? 'POST /v1/customers/:id/reveal'
          : kind === 'export'
            ? 'POST /v1/exports'
            : 'GET /v1/customers/:id';
    const context = {
      actorId: actor.userId,
      roles: actor.roles,
      requestId,
      route,
      underNotice: false,
    };
    // A few denials are a rep naming a purpose their role may not use.
    const purpose = kind === 'denied' && random.chance(0.3) ? 'marketing' : PURPOSE;
    const decision = decideCustomerAccess(
      actor,
      this.abilityOf(actor),
      action,
      purpose,
      {
        customerId: customer.customerId,
        ownerId: customer.ownerId,
        team: customer.team,
        activeBases,
      },
      this.catalog,
    );
    if (!decision.allowed) {
      return {
        type: 'AccessDenied',
        data: {
          ...context,
          purpose,
          action,
          customerId: customer.customerId,
          reason: decision.reason,
          deniedAt: at,
        },
      };
    }
    const disclosures: FieldDisclosure[] = [...decision.fields].map(([field, view]) => ({
      field,
      view,
    }));
    switch (kind) {
      case 'reveal': {
        const present = Object.keys(customer.profile) as FieldName[];
        const revealable = present.filter(
          (field) => decision.fields.get(field) === 'masked' && mayReveal(actor.roles, field),
        );
        const fields = random.sample(revealable, random.chance(0.8) ? 1 : 2);
        if (fields.length > 0) {
          return {
            type: 'PersonalDataRevealed',
            data: {
              ...context,
              purpose,
              customerId: customer.customerId,
              fields,
              reason: random.pick(REVEAL_REASONS),
              revealedAt: at,
            },
          };
        }
        break;
      }
      case 'export':
        return {
          type: 'CustomerDataExported',
          data: {
            ...context,
            purpose,
            watermark,
            rowCount: random.int(20, 800),
            fields: disclosures,
            filter: { team: customer.team },
            exportedAt: at,
          },
        };
      case 'view':
      case 'list':
      case 'manager-view':
      case 'denied': // allowed after all (e.g. a manager standing in for the rep): a plain read
        break;
    }
    return {
      type: 'CustomerDataAccessed',
      data: {
        ...context,
        purpose,
        customerIds: [customer.customerId],
        fields: disclosures,
        accessedAt: at,
      },
    };
  }

  private abilityOf(actor: Actor): CustomerAbility {
    let ability = this.abilities.get(actor.userId);
    if (ability === undefined) {
      ability = customerAbilityFor(actor);
      this.abilities.set(actor.userId, ability);
    }
    return ability;
  }

  private otherRep(customer: SeededCustomer, random: SeededRandom): StaffMember {
    if (this.staff.reps.length < 2) return this.staff.managerOf(customer.team);
    for (;;) {
      const rep = random.pick(this.staff.reps);
      if (rep.userId !== customer.ownerId) return rep;
    }
  }
}
