import {
  createParamDecorator,
  type CustomDecorator,
  type ExecutionContext,
  SetMetadata,
} from '@nestjs/common';
import type { Actor, Role } from '@custodia/identity';
import type { Request } from 'express';

/** The request once the AuthGuard has let it through a non-public route. */
export type AuthenticatedRequest = Request & { actor?: Actor };

export const IS_PUBLIC = 'custodia:public';
export const REQUIRED_ROLES = 'custodia:roles';

/** Opens a route or controller to callers without a token (probes, scrapers, docs). */
export const Public = (): CustomDecorator<string> => SetMetadata(IS_PUBLIC, true);

/** The caller needs at least one of these roles, as the user directory has them now (else 403). */
export const Roles = (...roles: [Role, ...Role[]]): CustomDecorator<string> =>
  SetMetadata(REQUIRED_ROLES, roles);

/** The authenticated caller of this request, set by the AuthGuard. */
export const CurrentActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor => {
  const actor = context.switchToHttp().getRequest<AuthenticatedRequest>().actor;
  // Only reachable on a route marked @Public(), where there is no actor to give.
  if (actor === undefined) throw new Error('CurrentActor used on a public route');
  return actor;
});
