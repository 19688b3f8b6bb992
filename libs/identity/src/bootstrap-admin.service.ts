import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, type EventStore, type Position } from '@custodia/event-store';
import { CLOCK, type Clock } from '@custodia/platform';
import { IdentityError } from './identity.errors';
import { USER_EVENT_TYPES, USER_STREAM_PREFIX, type UserEvent } from './identity.events';
import { actorAt } from './user-access.policy';
import { userDecider, type UserState } from './user.decider';
import { UserRepository } from './user.repository';

/**
 * - `registered`: the user was created as admin;
 * - `exists`: that user is an admin already (a restart, or another instance won the race);
 * - `other-admin`: someone else is an admin, so nothing was done;
 * - `unusable`: no admin exists and the id names a user who is not one (or has left): nothing is
 *   changed automatically; choose another BOOTSTRAP_ADMIN_ID.
 */
export type BootstrapAdminOutcome = 'registered' | 'exists' | 'other-admin' | 'unusable';

/** Not a valid user id, so it cannot be mistaken for a person in `actorId`. */
export const BOOTSTRAP_ACTOR_ID = '$bootstrap';
const PAGE = 500;

/** Creates the first admin from BOOTSTRAP_ADMIN_ID when the directory has no active admin. */
@Injectable()
export class BootstrapAdminService {
  constructor(
    private readonly users: UserRepository,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async ensure(adminId: string): Promise<BootstrapAdminOutcome> {
    const now = this.clock.now();
    const { state } = await this.users.load(adminId);
    if (this.isAdmin(state, now)) return 'exists'; // the usual restart: one stream read
    if (await this.anyActiveAdmin(now)) return 'other-admin';
    if (state !== null) return 'unusable';
    try {
      await this.users.execute({
        type: 'RegisterUser',
        data: { userId: adminId, displayName: 'Administrator', roles: ['admin'], team: null },
        metadata: { actorId: BOOTSTRAP_ACTOR_ID, now: now.toISOString() },
      });
      return 'registered';
    } catch (error) {
      // Another instance starting at the same moment registered it first (no_stream lost).
      if (error instanceof IdentityError && error.code === 'IDENTITY.USER_EXISTS') return 'exists';
      throw error;
    }
  }

  private isAdmin(state: UserState, now: Date): boolean {
    return actorAt(state, now)?.roles.includes('admin') ?? false;
  }

  /** Folds every user stream; the directory is small and this runs once per start. */
  private async anyActiveAdmin(now: Date): Promise<boolean> {
    const states = new Map<string, UserState>();
    let from: Position | undefined;
    for (;;) {
      const page = await this.store.readAll({
        from,
        maxCount: PAGE,
        filter: { eventTypes: USER_EVENT_TYPES, streamPrefixes: [USER_STREAM_PREFIX] },
        committed: true, // a one-shot scan: an unrelated open transaction must not hide a user
      });
      for (const event of page) {
        const before = states.get(event.streamId) ?? userDecider.initialState();
        states.set(event.streamId, userDecider.evolve(before, event as unknown as UserEvent));
      }
      if (page.length < PAGE) break;
      from = page[page.length - 1]?.position;
    }
    return [...states.values()].some((state) => this.isAdmin(state, now));
  }
}
