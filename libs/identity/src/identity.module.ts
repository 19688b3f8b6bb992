import { Module } from '@nestjs/common';
import { BootstrapAdminService } from './bootstrap-admin.service';
import { ChangeUserRolesHandler } from './change-user-roles.handler';
import { ChangeUserTeamHandler } from './change-user-team.handler';
import { CompleteOffboardingHandler } from './complete-offboarding.handler';
import { GetUserHandler } from './get-user.query';
import { GiveOffboardingNoticeHandler } from './give-offboarding-notice.handler';
import { RegisterUserHandler } from './register-user.handler';
import { UserRepository } from './user.repository';

/**
 * The user directory's command and query handlers. Needs EVENT_STORE and CLOCK (global from the
 * storage and platform modules) and `CqrsModule.forRoot()` once in the application.
 */
@Module({
  providers: [
    UserRepository,
    BootstrapAdminService,
    RegisterUserHandler,
    ChangeUserRolesHandler,
    ChangeUserTeamHandler,
    GiveOffboardingNoticeHandler,
    CompleteOffboardingHandler,
    GetUserHandler,
  ],
  exports: [UserRepository, BootstrapAdminService],
})
export class IdentityModule {}
