import { type DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { IdentityModule } from '@custodia/identity';
import { type Config, ConfigError } from '@custodia/platform';
import { ActorContextInterceptor } from './actor-context';
import { AuthGuard } from './auth.guard';
import { createTokenVerifier, TOKEN_VERIFIER } from './token-verifier';

/**
 * Authentication for every route (a global guard) and the actor in the request context. The
 * embedded default always has a development secret; a deployment (DATABASE_URL) must bring its
 * own, or the API refuses to start.
 */
@Module({})
export class AuthModule {
  static register(config: Config): DynamicModule {
    const auth = config.auth;
    if (auth === undefined) {
      throw new ConfigError(
        'AUTH_JWT_SECRET',
        'or AUTH_JWKS_URL is required when DATABASE_URL is set',
      );
    }
    return {
      module: AuthModule,
      imports: [IdentityModule],
      providers: [
        { provide: TOKEN_VERIFIER, useValue: createTokenVerifier(auth, config.tokenClaims) },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_INTERCEPTOR, useClass: ActorContextInterceptor },
      ],
    };
  }
}
