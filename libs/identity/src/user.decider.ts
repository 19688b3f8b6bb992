import type { Decider } from '@custodia/platform';
import type {
  ChangeUserRoles,
  ChangeUserTeam,
  CompleteOffboarding,
  GiveOffboardingNotice,
  RegisterUser,
  UserCommand,
} from './identity.commands';
import { IdentityError } from './identity.errors';
import { isRole, ROLES, type Role, type UserEvent } from './identity.events';

export type User = {
  readonly userId: string;
  readonly displayName: string;
  readonly roles: readonly Role[];
  readonly team: string | null;
  /** When access ends, once notice is given (ISO-8601). */
  readonly leavesAt: string | null;
  readonly offboardedAt: string | null;
};

/** `null` until the user is registered. */
export type UserState = User | null;

// Ids end up in stream names, tokens and logs: plain characters only, and no '@' so that an
// e-mail address (personal data) is never used as one.
export const USER_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:|-]{0,127}$/;
export const isValidUserId = (value: string): boolean => USER_ID_PATTERN.test(value);

// Roles that work on a team's customers and so must belong to a team.
const TEAM_ROLES: readonly Role[] = ['sales', 'sales_manager'];
const NO_CONTROL_CHARS = /^[^\p{Cc}]*$/u;
export const MAX_DISPLAY_NAME_LENGTH = 100;
export const MAX_TEAM_LENGTH = 64;

/** Gone: offboarded, or past the effective time of a notice. */
export const hasLeft = (user: User, now: Date): boolean =>
  user.offboardedAt !== null || (user.leavesAt !== null && Date.parse(user.leavesAt) <= +now);

const checkUserId = (userId: string): void => {
  if (!isValidUserId(userId)) {
    throw new IdentityError(
      'IDENTITY.INVALID_USER_ID',
      'userId must be 1-128 letters, digits or . _ : | - starting with a letter or digit',
      'id',
    );
  }
};

const checkDisplayName = (displayName: string): string => {
  const trimmed = displayName.trim();
  if (
    trimmed === '' ||
    trimmed.length > MAX_DISPLAY_NAME_LENGTH ||
    !NO_CONTROL_CHARS.test(trimmed)
  ) {
    throw new IdentityError(
      'IDENTITY.INVALID_DISPLAY_NAME',
      `displayName must be 1-${MAX_DISPLAY_NAME_LENGTH} printable characters`,
      'displayName',
    );
  }
  return trimmed;
};

const checkTeam = (team: string | null): string | null => {
  if (team === null) return null;
  const trimmed = team.trim();
  if (trimmed === '' || trimmed.length > MAX_TEAM_LENGTH || !NO_CONTROL_CHARS.test(trimmed)) {
    throw new IdentityError(
      'IDENTITY.INVALID_TEAM',
      `team must be 1-${MAX_TEAM_LENGTH} printable characters`,
      'team',
    );
  }
  return trimmed;
};

/** Known roles only, each once, in catalogue order (so equal sets compare equal). */
const checkRoles = (roles: readonly string[]): Role[] => {
  if (roles.length === 0) {
    throw new IdentityError('IDENTITY.NO_ROLES', 'roles must name at least one role', 'roles');
  }
  if (!roles.every(isRole)) {
    throw new IdentityError(
      'IDENTITY.UNKNOWN_ROLE',
      `roles must be among ${ROLES.join(', ')}`,
      'roles',
    );
  }
  return ROLES.filter((role) => roles.includes(role));
};

const checkTeamFits = (roles: readonly Role[], team: string | null): void => {
  if (team === null && roles.some((role) => TEAM_ROLES.includes(role))) {
    throw new IdentityError(
      'IDENTITY.TEAM_REQUIRED',
      `team is required for roles ${TEAM_ROLES.join(', ')}`,
      'team',
    );
  }
};

/** The user exists and may still be changed. */
const changeable = (state: UserState, now: string): User => {
  if (state === null) throw new IdentityError('IDENTITY.USER_NOT_FOUND', 'no such user');
  if (hasLeft(state, new Date(now))) {
    throw new IdentityError('IDENTITY.USER_OFFBOARDED', 'the user has been offboarded');
  }
  return state;
};

const register = ({ data }: RegisterUser, state: UserState): UserEvent[] => {
  checkUserId(data.userId);
  if (state !== null) throw new IdentityError('IDENTITY.USER_EXISTS', 'the user already exists');
  const roles = checkRoles(data.roles);
  const team = checkTeam(data.team);
  checkTeamFits(roles, team);
  const displayName = checkDisplayName(data.displayName);
  return [{ type: 'UserRegistered', data: { userId: data.userId, displayName, roles, team } }];
};

const changeRoles = ({ data, metadata }: ChangeUserRoles, state: UserState): UserEvent[] => {
  const user = changeable(state, metadata.now);
  // Separation of duties: an admin who could grant themselves `dpo` could reveal what admins
  // may only see masked. Another admin has to do it (and it is recorded as theirs).
  if (metadata.actorId === user.userId) {
    throw new IdentityError('IDENTITY.FORBIDDEN', 'roles: nobody changes their own roles', 'roles');
  }
  const roles = checkRoles(data.roles);
  checkTeamFits(roles, user.team);
  if (roles.join() === user.roles.join()) return [];
  return [{ type: 'UserRolesChanged', data: { userId: user.userId, roles } }];
};

const changeTeam = ({ data, metadata }: ChangeUserTeam, state: UserState): UserEvent[] => {
  const user = changeable(state, metadata.now);
  const team = checkTeam(data.team);
  checkTeamFits(user.roles, team);
  if (team === user.team) return [];
  return [{ type: 'UserTeamChanged', data: { userId: user.userId, team } }];
};

const giveNotice = ({ data, metadata }: GiveOffboardingNotice, state: UserState): UserEvent[] => {
  const user = changeable(state, metadata.now);
  const { userId } = user;
  if (data.effectiveAt === undefined) {
    return [
      { type: 'UserOffboardingNoticeGiven', data: { userId, effectiveAt: metadata.now } },
      { type: 'UserOffboarded', data: { userId, offboardedAt: metadata.now } },
    ];
  }
  const effectiveAt = Date.parse(data.effectiveAt);
  // A notice in the past would rewrite who had access when: refuse it rather than backdate.
  if (Number.isNaN(effectiveAt) || effectiveAt <= Date.parse(metadata.now)) {
    throw new IdentityError(
      'IDENTITY.INVALID_EFFECTIVE_AT',
      'effectiveAt must be a future ISO-8601 time; omit it to offboard at once',
      'effectiveAt',
    );
  }
  const iso = new Date(effectiveAt).toISOString();
  if (iso === user.leavesAt) return [];
  return [{ type: 'UserOffboardingNoticeGiven', data: { userId, effectiveAt: iso } }];
};

const completeOffboarding = ({ metadata }: CompleteOffboarding, state: UserState): UserEvent[] => {
  if (state === null) throw new IdentityError('IDENTITY.USER_NOT_FOUND', 'no such user');
  if (state.offboardedAt !== null) return []; // already recorded: completing again is a no-op
  if (state.leavesAt === null) {
    throw new IdentityError('IDENTITY.NO_NOTICE', 'the user has not been given notice');
  }
  if (Date.parse(state.leavesAt) > Date.parse(metadata.now)) {
    throw new IdentityError('IDENTITY.NOTICE_NOT_DUE', 'the notice has not taken effect yet');
  }
  return [{ type: 'UserOffboarded', data: { userId: state.userId, offboardedAt: state.leavesAt } }];
};

const decide = (command: UserCommand, state: UserState): UserEvent[] => {
  switch (command.type) {
    case 'RegisterUser':
      return register(command, state);
    case 'ChangeUserRoles':
      return changeRoles(command, state);
    case 'ChangeUserTeam':
      return changeTeam(command, state);
    case 'GiveOffboardingNotice':
      return giveNotice(command, state);
    case 'CompleteOffboarding':
      return completeOffboarding(command, state);
  }
};

const evolve = (state: UserState, event: UserEvent): UserState => {
  if (event.type === 'UserRegistered') {
    return { ...event.data, roles: [...event.data.roles], leavesAt: null, offboardedAt: null };
  }
  if (state === null) return state; // a stream never starts otherwise
  switch (event.type) {
    case 'UserRolesChanged':
      return { ...state, roles: [...event.data.roles] };
    case 'UserTeamChanged':
      return { ...state, team: event.data.team };
    case 'UserOffboardingNoticeGiven':
      return { ...state, leavesAt: event.data.effectiveAt };
    case 'UserOffboarded':
      return { ...state, offboardedAt: event.data.offboardedAt };
    default: {
      const unexpected: never = event;
      return unexpected;
    }
  }
};

/** A user's lifecycle: register, change roles and team, notice, exit. Pure; time comes in `now`. */
export const userDecider: Decider<UserCommand, UserEvent, UserState> = {
  decide,
  evolve,
  initialState: () => null,
};
