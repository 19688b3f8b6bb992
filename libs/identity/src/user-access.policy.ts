import { IdentityError } from './identity.errors';
import type { Role } from './identity.events';
import { hasLeft, type UserState } from './user.decider';

/** The person behind a request: roles and team as the user directory has them now. */
export type Actor = {
  readonly userId: string;
  readonly roles: readonly Role[];
  readonly team: string | null;
  /** Set while the user is under offboarding notice: exports refused, reveals limited. */
  readonly leavesAt?: string;
};

/**
 * Whom a verified token may act as at `now`: nobody when the user is unknown, offboarded, or past
 * the effective time of a notice (even before `UserOffboarded` is recorded).
 */
export const actorAt = (state: UserState, now: Date): Actor | undefined =>
  state === null || hasLeft(state, now)
    ? undefined
    : {
        userId: state.userId,
        roles: state.roles,
        team: state.team,
        ...(state.leavesAt === null ? {} : { leavesAt: state.leavesAt }),
      };

export const hasAnyRole = (actor: Actor, roles: readonly Role[]): boolean =>
  actor.roles.some((role) => roles.includes(role));

/**
 * Who may give notice: an admin, for anyone but themselves; a sales manager, for the sales reps of
 * their own team (users whose only role is `sales`). Nobody offboards themselves, so the last
 * admin cannot lock everyone out by mistake.
 */
export const assertMayGiveNotice = (actor: Actor, target: UserState): void => {
  const refuse = (): never => {
    throw new IdentityError('IDENTITY.FORBIDDEN', 'you may not give this user notice');
  };
  const admin = actor.roles.includes('admin');
  // Only admins learn whether an id exists; a manager is refused either way.
  if (target === null && admin) throw new IdentityError('IDENTITY.USER_NOT_FOUND', 'no such user');
  if (target === null || target.userId === actor.userId) return refuse();
  if (admin) return;
  const ownRep =
    actor.roles.includes('sales_manager') &&
    actor.team !== null &&
    target.team === actor.team &&
    target.roles.every((role) => role === 'sales');
  if (!ownRep) refuse();
};
