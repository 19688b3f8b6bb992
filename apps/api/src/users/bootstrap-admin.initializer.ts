import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { BootstrapAdminService } from '@custodia/identity';
import { CONFIG, type Config } from '@custodia/platform';

export const BOOTSTRAP_ADMIN_ID = Symbol('BOOTSTRAP_ADMIN_ID');

/**
 * At start-up: registers BOOTSTRAP_ADMIN_ID as admin when the directory has no active admin
 * (idempotent across restarts and concurrent starts), then says how to get a token.
 */
@Injectable()
export class BootstrapAdminInitializer implements OnApplicationBootstrap {
  private readonly logger = new Logger('BootstrapAdmin');

  constructor(
    private readonly bootstrap: BootstrapAdminService,
    @Inject(BOOTSTRAP_ADMIN_ID) private readonly adminId: string | undefined,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.adminId !== undefined) await this.ensureAdmin(this.adminId);
    if (this.config.auth !== undefined && 'jwksUrl' in this.config.auth) {
      this.logger.log(
        'Tokens come from the identity provider behind AUTH_JWKS_URL (sub = user id)',
      );
      return;
    }
    this.logger.log(`Get a token: npm run cli -- token ${this.adminId ?? '<userId>'}`);
  }

  private async ensureAdmin(adminId: string): Promise<void> {
    const outcome = await this.bootstrap.ensure(adminId);
    switch (outcome) {
      case 'registered':
        this.logger.log({ userId: adminId }, `Registered ${adminId} as the first admin`);
        return;
      case 'exists':
      case 'other-admin':
        return;
      case 'unusable':
        this.logger.warn(
          { userId: adminId },
          `No active admin, and BOOTSTRAP_ADMIN_ID=${adminId} names a user who is not one or has left: set BOOTSTRAP_ADMIN_ID to a new id`,
        );
        return;
    }
  }
}
