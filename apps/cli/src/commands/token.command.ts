import { Inject } from '@nestjs/common';
import { Command, CommandRunner } from 'nest-commander';
import { EVENT_STORE, type EventStore } from '@custodia/event-store';
import {
  actorAt,
  DEVELOPMENT_TOKEN_TTL_SECONDS,
  isValidUserId,
  loadUser,
  signDevelopmentToken,
} from '@custodia/identity';
import { CLOCK, type Clock, CONFIG, type Config } from '@custodia/platform';
import { CliError } from '../cli.errors';

/**
 * `token <userId>`: a development token (HS256, 1 h, `sub` = user id) signed with AUTH_JWT_SECRET
 * or the embedded default's dev secret. The token is the only thing on stdout, so
 * `TOKEN=$(npm run -s cli -- token admin)` works; warnings go to stderr.
 */
@Command({
  name: 'token',
  arguments: '<userId>',
  argsDescription: { userId: 'the user to act as (the token subject)' },
  description: 'Print a development JWT (HS256, valid 1 hour) for a user',
})
export class TokenCommand extends CommandRunner {
  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    super();
  }

  async run([userId = '']: string[]): Promise<void> {
    const secret = this.secret();
    if (!isValidUserId(userId)) {
      throw new CliError('userId must be 1-128 letters, digits or . _ : | - (no e-mail addresses)');
    }
    const now = this.clock.now();
    await this.warnIfCannotAct(userId, now);
    const { issuer, audience } = this.config.tokenClaims;
    const token = await signDevelopmentToken({ secret, userId, now, issuer, audience });
    process.stdout.write(`${token}\n`);
  }

  private secret(): string {
    const auth = this.config.auth;
    if (auth === undefined) {
      throw new CliError('AUTH_JWT_SECRET is not set: there is no secret to sign a token with');
    }
    if ('jwksUrl' in auth) {
      throw new CliError(
        'AUTH_JWKS_URL is set: tokens come from your identity provider; this command signs HS256 development tokens only',
      );
    }
    return auth.jwtSecret;
  }

  /** The API would answer 401 for this user: say so, but still print (they may be added next). */
  private async warnIfCannotAct(userId: string, now: Date): Promise<void> {
    const { state } = await loadUser(this.store, userId);
    if (state === null) {
      process.stderr.write(
        `warning: ${userId} is not in the user directory yet (the API registers BOOTSTRAP_ADMIN_ID at start-up; others via POST /v1/users)\n`,
      );
    } else if (actorAt(state, now) === undefined) {
      process.stderr.write(
        `warning: ${userId} has been offboarded; the API will refuse this token\n`,
      );
    }
    process.stderr.write(`Valid for ${DEVELOPMENT_TOKEN_TTL_SECONDS / 60} minutes.\n`);
  }
}
