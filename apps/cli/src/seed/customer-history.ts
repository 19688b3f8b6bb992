import type { ActiveBasis, ConsentChannel, PurposeCatalog } from '@custodia/consent';
import {
  type ConsentInput,
  type CustomerAggregateEvent,
  createCustomerDecider,
  type CustomerAggregateCommand,
  type CustomerProfile,
  type CustomerState,
  customerStreamId,
  isCustomerAggregateEvent,
  type LawfulBasisInput,
} from '@custodia/customers';
import type { NewEvent } from '@custodia/event-store';
import {
  type CustomerStreamEvent,
  createFollowUpDecider,
  type FollowUpCommand,
  type FollowUpState,
  type LogFollowUp,
  type OrderStatus,
} from '@custodia/follow-ups';
import type { Decider } from '@custodia/platform';
import {
  annualIncome,
  companyName,
  FOLLOW_UP_CHANNELS,
  followUpSummary,
  nextOrderStatus,
  nextStep,
  pickProducts,
  quoteFor,
  serviceSummary,
} from './business';
import {
  address,
  DISTRICTS,
  emailAddress,
  mobileNumber,
  personName,
  residentIdNumber,
  wechatId,
} from './chinese-people';
import { type SeededRandom, seededUuid } from './seeded-random';
import { noticeFor } from './seed-notices';
import type { Staff } from './seed-staff';
import { type SeedTimeline, businessTime, spreadTimes } from './seed-time';

/** Everything about one customer the access events need too. */
export type SeededCustomer = {
  readonly index: number;
  readonly customerId: string;
  readonly ownerId: string;
  readonly team: string;
  readonly registeredAt: number;
  /** Values to look for in a plaintext scan; never printed. */
  readonly profile: CustomerProfile;
};

export type CustomerHistory = {
  readonly customer: SeededCustomer;
  readonly streamId: string;
  /** One append: registration, consents, follow-ups (and a withdrawal), in time order. */
  readonly events: NewEvent[];
  /** The customer's purposes with an active basis at the end of the history. */
  readonly activeBases: readonly ActiveBasis[];
};

const CONSENT_CHANNELS: readonly ConsentChannel[] = [
  'web',
  'app',
  'wechat',
  'paper',
  'in_person',
  'phone',
];

type Step =
  | { readonly at: number; readonly kind: 'follow-up'; readonly serial: number }
  | { readonly at: number; readonly kind: 'withdraw-marketing' };

/**
 * One customer's history, decided command by command with the product's own deciders, so each
 * event is one the API would have written. Deterministic in (seed, index).
 */
export class CustomerHistoryGenerator {
  private readonly customers: Decider<
    CustomerAggregateCommand,
    CustomerAggregateEvent,
    CustomerState
  >;
  private readonly followUps: Decider<FollowUpCommand, CustomerStreamEvent, FollowUpState>;

  constructor(
    private readonly seed: number,
    private readonly catalog: PurposeCatalog,
    private readonly staff: Staff,
    private readonly timeline: SeedTimeline,
  ) {
    this.customers = createCustomerDecider(catalog);
    this.followUps = createFollowUpDecider(catalog);
  }

  generate(index: number, followUpCount: number, random: SeededRandom): CustomerHistory {
    const customerId = seededCustomerId(this.seed, index);
    const owner = this.staff.ownerOf(index, random);
    const registeredAt = businessTime(
      random,
      this.timeline.registrationFrom,
      this.timeline.asOf - 2 * HOUR,
    );
    const registeredIso = new Date(registeredAt).toISOString();

    const person = personName(random);
    const home = random.pick(DISTRICTS);
    const service = random.chance(0.45);
    const fulfilment = random.chance(0.3);
    const marketing = random.chance(0.4);
    const analytics = random.chance(0.25);
    const credit = random.chance(0.08);
    const profile: Record<string, string | number> = {
      name: person.name,
      phone: mobileNumber(random),
    };
    if (random.chance(0.7)) profile.email = emailAddress(random, person);
    if (random.chance(0.6)) profile.wechat = wechatId(random, person);
    if (random.chance(0.65)) profile.company = companyName(random, home);
    if (service && random.chance(0.9)) profile.address = address(random, home);
    if (credit) {
      profile.idNumber = residentIdNumber(
        random,
        new Date(this.timeline.asOf),
        random.pick(DISTRICTS),
      );
      profile.income = annualIncome(random);
    }

    const consents: ConsentInput[] = [this.consent(random, 'sales_followup', index)];
    if (marketing) consents.push(this.consent(random, 'marketing', index));
    if (analytics) consents.push(this.consent(random, 'analytics', index));
    if (credit)
      consents.push({ ...this.consent(random, 'credit_assessment', index), separate: true });
    const lawfulBases: LawfulBasisInput[] = [];
    if (service) lawfulBases.push(this.basis(random, 'service', registeredAt));
    if (fulfilment) lawfulBases.push(this.basis(random, 'order_fulfilment', registeredAt));

    let serial = 0;
    const events: NewEvent[] = [];
    let customerState = this.customers.initialState();
    let followUpState = this.followUps.initialState();
    const append = (
      decided: readonly CustomerStreamEvent[],
      metadata: Readonly<Record<string, string>>,
    ): void => {
      for (const event of decided) {
        if (isCustomerAggregateEvent(event))
          customerState = this.customers.evolve(customerState, event);
        followUpState = this.followUps.evolve(followUpState, event);
        events.push({
          id: seededUuid(this.seed, 'event', index, serial++),
          type: event.type,
          data: event.data,
          metadata,
        });
      }
    };

    append(
      this.customers.decide(
        {
          type: 'RegisterCustomer',
          data: {
            customerId,
            profile: profile as CustomerProfile,
            ownerId: owner.userId,
            team: owner.team,
            consents,
            ...(lawfulBases.length === 0 ? {} : { lawfulBases }),
            occurredAt: registeredIso,
            actorId: owner.userId,
          },
        },
        customerState,
      ),
      { actorId: owner.userId, now: registeredIso },
    );

    const steps: Step[] = spreadTimes(
      random,
      registeredAt + 10 * MINUTE,
      this.timeline.asOf - MINUTE,
      followUpCount,
    ).map((at, serialOfFollowUp): Step => ({ at, kind: 'follow-up', serial: serialOfFollowUp }));
    if (marketing && random.chance(0.1)) {
      steps.push({
        at: businessTime(random, registeredAt + HOUR, this.timeline.asOf - MINUTE),
        kind: 'withdraw-marketing',
      });
      steps.sort((a, b) => a.at - b.at);
    }

    const interests = pickProducts(random);
    let status: OrderStatus = 'none';
    for (const step of steps) {
      const at = new Date(step.at).toISOString();
      if (step.kind === 'withdraw-marketing') {
        append(
          this.customers.decide(
            {
              type: 'WithdrawConsent',
              data: {
                customerId,
                purpose: 'marketing',
                channel: random.pick(['sms', 'phone', 'wechat'] as const),
                withdrawnAt: at,
                actorId: owner.userId,
              },
            },
            customerState,
          ),
          { actorId: owner.userId, now: at },
        );
        continue;
      }
      const recordedAt = new Date(
        Math.min(step.at + random.int(1, 360) * MINUTE, this.timeline.asOf),
      ).toISOString();
      const command = this.followUp(random, {
        customerId,
        followUpId: seededUuid(this.seed, 'subject', index, 1 + step.serial),
        occurredAt: at,
        recordedAt,
        actorId: owner.userId,
        service,
        interests,
        status,
      });
      status = command.data.orderStatus ?? status;
      append(this.followUps.decide(command, followUpState), {
        actorId: owner.userId,
        now: recordedAt,
        purpose: command.data.purpose,
      });
    }

    return {
      customer: {
        index,
        customerId,
        ownerId: owner.userId,
        team: owner.team,
        registeredAt,
        profile: profile as CustomerProfile,
      },
      streamId: customerStreamId(customerId),
      events,
      activeBases: [...customerState.consent.active.values()],
    };
  }

  private consent(random: SeededRandom, purpose: string, index: number): ConsentInput {
    const { noticeVersion, noticeSha256 } = noticeFor(this.catalog, purpose, random);
    const channel = random.pick(CONSENT_CHANNELS);
    return {
      purpose,
      noticeVersion,
      noticeSha256,
      channel,
      // Where the proof is kept: a form or recording reference (sealed: it may identify).
      evidence:
        channel === 'phone'
          ? `录音 REC-${index}-${random.int(1000, 9999)}`
          : `表单 F-${index}-${random.int(1000, 9999)}`,
    };
  }

  private basis(random: SeededRandom, purpose: string, at: number): LawfulBasisInput {
    const { noticeVersion, noticeSha256 } = noticeFor(this.catalog, purpose, random);
    const year = new Date(at).getUTCFullYear();
    return {
      purpose,
      noticeVersion,
      noticeSha256,
      reference: `HT-${year}-${String(random.int(1, 999_999)).padStart(6, '0')}`,
    };
  }

  private followUp(
    random: SeededRandom,
    input: {
      customerId: string;
      followUpId: string;
      occurredAt: string;
      recordedAt: string;
      actorId: string;
      service: boolean;
      interests: readonly string[];
      status: OrderStatus;
    },
  ): LogFollowUp {
    const channel = FOLLOW_UP_CHANNELS.pick(random);
    const common = {
      customerId: input.customerId,
      followUpId: input.followUpId,
      channel,
      occurredAt: input.occurredAt,
      recordedAt: input.recordedAt,
      actorId: input.actorId,
    };
    const nextAt = (): { nextFollowUpAt?: string } =>
      random.chance(0.7)
        ? {
            nextFollowUpAt: new Date(
              Date.parse(input.occurredAt) + random.int(1, 30) * DAY + random.int(0, 8) * HOUR,
            ).toISOString(),
          }
        : {};
    // After-sales work under the service contract: notes only (its purpose lists no deal fields).
    if (input.service && random.chance(0.25)) {
      return {
        type: 'LogFollowUp',
        data: { ...common, purpose: 'service', summary: serviceSummary(random), ...nextAt() },
      };
    }
    const status = random.chance(0.6) ? nextOrderStatus(random, input.status) : input.status;
    const products = random.chance(0.7) ? input.interests : undefined;
    const quoted = status !== input.status && (status === 'quoted' || status === 'negotiating');
    return {
      type: 'LogFollowUp',
      data: {
        ...common,
        purpose: 'sales_followup',
        summary: followUpSummary(random, channel, input.interests),
        ...(random.chance(0.6) ? { nextStep: nextStep(random) } : {}),
        ...nextAt(),
        ...(products === undefined ? {} : { products: [...products] }),
        ...(quoted ? { quote: quoteFor(random, input.interests) } : {}),
        ...(status === input.status && status === 'none' ? {} : { orderStatus: status }),
      },
    };
  }
}

/** The id of the seed's `index`-th customer. */
export const seededCustomerId = (seed: number, index: number): string =>
  seededUuid(seed, 'subject', index, 0);

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
