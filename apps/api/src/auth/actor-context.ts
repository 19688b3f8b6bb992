import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { Observable } from 'rxjs';
import type { Actor, CommandMetadata } from '@custodia/identity';
import { type Clock, currentContext, type RequestContext, runInContext } from '@custodia/platform';
import type { AuthenticatedRequest } from './auth.decorators';

/** The request context once authenticated: `actorId` for logs and metadata, the full actor too. */
export type ActorRequestContext = RequestContext & { readonly actor: Actor };

/** The authenticated actor of the current request, wherever the code runs within it. */
export const currentActor = (): Actor | undefined =>
  (currentContext() as Partial<ActorRequestContext> | undefined)?.actor;

/** Metadata for a command sent on behalf of `actor` now. */
export const commandMetadata = (actor: Actor, clock: Clock): CommandMetadata => {
  const correlationId = currentContext()?.correlationId;
  return {
    actorId: actor.userId,
    now: clock.now().toISOString(),
    ...(correlationId === undefined ? {} : { correlationId }),
  };
};

/**
 * Runs the handler inside a request context that carries the actor the AuthGuard established.
 * (A guard can only answer yes or no; an interceptor wraps the rest of the request.)
 */
@Injectable()
export class ActorContextInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const actor = context.switchToHttp().getRequest<AuthenticatedRequest>().actor;
    const current = currentContext();
    if (actor === undefined || current === undefined) return next.handle();
    const withActor: ActorRequestContext = { ...current, actorId: actor.userId, actor };
    return new Observable((subscriber) =>
      runInContext(withActor, () => next.handle().subscribe(subscriber)),
    );
  }
}
