import type { NewEvent } from '@custodia/event-store';
import { type Role, type UserEvent, userDecider, userStreamId } from '@custodia/identity';
import { personName } from './chinese-people';
import { hash32, SeededRandom, seededUuid, WeightedTable } from './seeded-random';

export type StaffMember = {
  /** Fixed per role and rank: what the user's event id derives from. */
  readonly number: number;
  readonly userId: string;
  readonly displayName: string;
  readonly roles: readonly Role[];
  readonly team: string | null;
};

export type Owner = { readonly userId: string; readonly team: string };

const FIRST_REP = 100;

export const SEED_TEAMS = ['sales-east', 'sales-north', 'sales-south', 'sales-west'] as const;

/** Who registers the seeded users: the seed's own admin registers itself as the tool. */
export const SEED_TOOL_ACTOR = 'custodia-seed';

/** Sales reps in a few teams, one manager per team, finance, an auditor, a DPO and an admin. */
export class Staff {
  readonly members: readonly StaffMember[];
  readonly reps: readonly (StaffMember & Owner)[];
  private readonly owners: WeightedTable<StaffMember & Owner>;
  private readonly byId: ReadonlyMap<string, StaffMember>;

  constructor(
    readonly seed: number,
    repCount: number,
  ) {
    const prefix = `seed${seed}-`;
    // Each user's number (and so its event id and name) is fixed by its role and rank, not by
    // how many reps there are: a run with another --reps re-registers the same users identically.
    const member = (
      number: number,
      userId: string,
      roles: Role[],
      team: string | null,
    ): StaffMember => ({
      number,
      userId: prefix + userId,
      displayName: personName(new SeededRandom(seed, number, 0x57aff)).name,
      roles,
      team,
    });
    const reps = Array.from({ length: repCount }, (_, i) => {
      const team = SEED_TEAMS[i % SEED_TEAMS.length];
      const userId = `sales-${String(i + 1).padStart(3, '0')}`;
      return member(FIRST_REP + i, userId, ['sales'], team) as StaffMember & Owner;
    });
    this.reps = reps;
    this.members = [
      member(0, 'admin', ['admin'], null),
      ...SEED_TEAMS.map((team, i) =>
        member(1 + i, `manager-${team.slice(6)}`, ['sales_manager'], team),
      ),
      ...reps,
      member(10, 'finance-1', ['finance'], null),
      member(11, 'finance-2', ['finance'], null),
      member(12, 'auditor', ['auditor'], null),
      member(13, 'dpo', ['dpo'], null),
    ];
    this.byId = new Map(this.members.map((m) => [m.userId, m]));
    // Some reps carry more customers than others (1× to 4×).
    this.owners = new WeightedTable(reps.map((rep, i) => [rep, 1 + (hash32(seed, i, 0x0b) % 4)]));
  }

  /** Default team size: one rep per ~1,000 customers, between 8 and 400. */
  static defaultRepCount(customers: number): number {
    return Math.min(400, Math.max(8, Math.ceil(customers / 1000)));
  }

  get admin(): StaffMember {
    return this.members[0];
  }

  ownerOf(_index: number, random: SeededRandom): Owner {
    const rep = this.owners.pick(random);
    return { userId: rep.userId, team: rep.team };
  }

  member(userId: string): StaffMember {
    const found = this.byId.get(userId);
    if (found === undefined) throw new Error('not a seeded user');
    return found;
  }

  managerOf(team: string): StaffMember {
    const manager = this.members.find((m) => m.team === team && m.roles.includes('sales_manager'));
    if (manager === undefined) throw new Error(`no manager for team ${team}`);
    return manager;
  }

  withRole(role: Role): StaffMember[] {
    return this.members.filter((m) => m.roles.includes(role));
  }

  /**
   * Each user's registration, decided by the identity decider: `User-<id>` with its one event.
   * The admin is registered by the tool, everyone else by the admin.
   */
  registrations(at: string): { streamId: string; events: NewEvent[] }[] {
    return this.members.map((member, index) => {
      const actorId = index === 0 ? SEED_TOOL_ACTOR : this.admin.userId;
      const decided: UserEvent[] = userDecider.decide(
        {
          type: 'RegisterUser',
          data: {
            userId: member.userId,
            displayName: member.displayName,
            roles: member.roles,
            team: member.team,
          },
          metadata: { actorId, now: at },
        },
        userDecider.initialState(),
      );
      return {
        streamId: userStreamId(member.userId),
        events: decided.map((event, serial) => ({
          id: seededUuid(this.seed, 'user', member.number, serial),
          type: event.type,
          data: event.data,
          metadata: { actorId, now: at },
        })),
      };
    });
  }
}
