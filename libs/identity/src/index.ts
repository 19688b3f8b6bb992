// The public API of @custodia/identity: the user directory (users, roles, teams, offboarding).
export * from './identity.events';
export * from './identity.commands';
export * from './identity.errors';
export {
  hasLeft,
  isValidUserId,
  MAX_DISPLAY_NAME_LENGTH,
  MAX_TEAM_LENGTH,
  type User,
  USER_ID_PATTERN,
  type UserState,
  userDecider,
} from './user.decider';
export { type Actor, actorAt, assertMayGiveNotice, hasAnyRole } from './user-access.policy';
export { type LoadedUser, loadUser, UserRepository } from './user.repository';
export { RegisterUserCommand, RegisterUserHandler } from './register-user.handler';
export { ChangeUserRolesCommand, ChangeUserRolesHandler } from './change-user-roles.handler';
export { ChangeUserTeamCommand, ChangeUserTeamHandler } from './change-user-team.handler';
export {
  GiveOffboardingNoticeCommand,
  GiveOffboardingNoticeHandler,
  type OffboardingNoticeResult,
} from './give-offboarding-notice.handler';
export {
  CompleteOffboardingCommand,
  CompleteOffboardingHandler,
} from './complete-offboarding.handler';
export { GetUserHandler, GetUserQuery } from './get-user.query';
export {
  BOOTSTRAP_ACTOR_ID,
  BootstrapAdminService,
  type BootstrapAdminOutcome,
} from './bootstrap-admin.service';
export {
  DEVELOPMENT_TOKEN_TTL_SECONDS,
  type DevelopmentTokenOptions,
  signDevelopmentToken,
} from './development-token';
export { IdentityModule } from './identity.module';
export { identityMigrations } from './identity.migrations';
export { userDirectoryProjection } from './read-models/user-directory/user-directory.projection';
export {
  findDueOffboardings,
  listUsers,
  type ListUsersOptions,
  type UserDirectoryEntry,
  type UserDirectoryStatus,
} from './read-models/user-directory/user-directory.query';
