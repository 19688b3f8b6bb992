import { type DynamicModule, Module } from '@nestjs/common';
import { IdentityModule, isValidUserId } from '@custodia/identity';
import { type Config, ConfigError } from '@custodia/platform';
import { BOOTSTRAP_ADMIN_ID, BootstrapAdminInitializer } from './bootstrap-admin.initializer';
import { OffboardingSweeper } from './offboarding.sweeper';
import { MeController } from './me.controller';
import { OffboardController } from './offboard.controller';
import { UsersController } from './users.controller';

/** The id of the first admin: BOOTSTRAP_ADMIN_ID, or `admin` on the embedded default. */
export const bootstrapAdminId = (config: Config): string | undefined => {
  const id = config.bootstrapAdminId ?? (config.databaseUrl === undefined ? 'admin' : undefined);
  if (id !== undefined && !isValidUserId(id)) {
    throw new ConfigError(
      'BOOTSTRAP_ADMIN_ID',
      'must be 1-128 letters, digits or . _ : | - starting with a letter or digit',
    );
  }
  return id;
};

/** `/v1/users`, `/v1/me`, the first admin at start-up, and the offboarding sweep. */
@Module({})
export class UsersModule {
  static register(config: Config): DynamicModule {
    return {
      module: UsersModule,
      imports: [IdentityModule],
      controllers: [UsersController, MeController, OffboardController],
      providers: [
        { provide: BOOTSTRAP_ADMIN_ID, useValue: bootstrapAdminId(config) },
        BootstrapAdminInitializer,
        OffboardingSweeper,
      ],
      exports: [OffboardingSweeper],
    };
  }
}
