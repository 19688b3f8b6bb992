import {
  type CanActivate,
  type ExecutionContext,
  Inject,
  Injectable,
  Logger,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import {
  type Actor,
  actorAt,
  hasAnyRole,
  isValidUserId,
  type Role,
  UserRepository,
} from '@custodia/identity';
import { CLOCK, type Clock } from '@custodia/platform';
import { type AuthenticatedRequest, IS_PUBLIC, REQUIRED_ROLES } from './auth.decorators';
import { forbidden, keysUnavailable, unauthenticated } from './auth.problems';
import {
  KeysUnavailable,
  TOKEN_VERIFIER,
  TokenRejected,
  type TokenVerifier,
} from './token-verifier';

// base64url segments separated by dots; anything else is not worth handing to the verifier.
const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)$/;

/**
 * Deny by default: every route needs a valid bearer token for an active user, unless marked
 * @Public(). Roles and team come from the user's stream on every request, never from the token,
 * so a role change or an offboarding counts from the next request. @Roles() failures are 403.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger('AuthGuard');

  constructor(
    private readonly reflector: Reflector,
    @Inject(TOKEN_VERIFIER) private readonly verifier: TokenVerifier,
    private readonly users: UserRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, targets) === true) {
      return true;
    }
    if (context.getType() !== 'http') return false;
    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    const actor = await this.authenticate(request.header('authorization'));
    if (actor === undefined) {
      http.getResponse<Response>().setHeader('WWW-Authenticate', 'Bearer');
      throw unauthenticated();
    }
    request.actor = actor;
    const required = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, targets);
    if (required !== undefined && !hasAnyRole(actor, required)) throw forbidden();
    return true;
  }

  /** The active user behind the header, or undefined; the reason is logged, never answered. */
  private async authenticate(header: string | undefined): Promise<Actor | undefined> {
    const token = header === undefined ? undefined : BEARER.exec(header)?.[1];
    if (token === undefined) return this.refuse(header === undefined ? 'missing' : 'malformed');
    let userId: string;
    try {
      ({ userId } = await this.verifier.verify(token));
    } catch (error) {
      if (error instanceof KeysUnavailable) throw keysUnavailable();
      if (error instanceof TokenRejected) return this.refuse(error.message);
      throw error;
    }
    if (!isValidUserId(userId)) return this.refuse('invalid-subject');
    const { state } = await this.users.load(userId);
    return (
      actorAt(state, this.clock.now()) ?? this.refuse(state === null ? 'unknown-user' : 'user-left')
    );
  }

  private refuse(reason: string): undefined {
    this.logger.debug({ reason }, 'Authentication refused');
    return undefined;
  }
}
