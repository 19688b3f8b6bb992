import {
  createRemoteJWKSet,
  errors,
  jwtVerify,
  type JWTVerifyOptions,
  type JWTVerifyResult,
} from 'jose';
import type { Config } from '@custodia/platform';

export type VerifiedToken = { readonly userId: string };

/** Resolves to the token's subject, or rejects: `TokenRejected` (401) or `KeysUnavailable` (503). */
export type TokenVerifier = { verify(token: string): Promise<VerifiedToken> };

export const TOKEN_VERIFIER = Symbol('TOKEN_VERIFIER');

export class TokenRejected extends Error {
  override name = 'TokenRejected';
}

export class KeysUnavailable extends Error {
  override name = 'KeysUnavailable';
}

// Explicit allow-lists: a key of one kind never verifies a token of another (no `none`, and no
// HS256 signed with a public key taken from the JWKS).
export const HMAC_ALGORITHMS = ['HS256'];
export const JWKS_ALGORITHMS = ['RS256', 'ES256'];
const CLOCK_TOLERANCE_SECONDS = 5;

// The JWKS could not be fetched or read: the identity provider's problem, not the token's.
const JWKS_FAILURES = new Set(['ERR_JWKS_TIMEOUT', 'ERR_JWKS_INVALID']);

const classify = (error: unknown): Error => {
  if (error instanceof errors.JOSEError) {
    return JWKS_FAILURES.has(error.code)
      ? new KeysUnavailable(error.code, { cause: error })
      : new TokenRejected(error.code, { cause: error });
  }
  // fetch() failures of the JWKS URL surface as plain errors.
  return new KeysUnavailable('JWKS fetch failed', { cause: error });
};

/**
 * HS256 with AUTH_JWT_SECRET, or RS256/ES256 with keys from AUTH_JWKS_URL (fetched and cached by
 * jose). `exp` and `sub` are required; roles in the token are ignored (the directory decides).
 */
export const createTokenVerifier = (auth: NonNullable<Config['auth']>): TokenVerifier => {
  const check = (algorithms: string[]): JWTVerifyOptions => ({
    algorithms,
    requiredClaims: ['exp', 'sub'],
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
  });
  let run: (token: string) => Promise<JWTVerifyResult>;
  if ('jwtSecret' in auth) {
    const secret = new TextEncoder().encode(auth.jwtSecret);
    run = (token) => jwtVerify(token, secret, check(HMAC_ALGORITHMS));
  } else {
    const keys = createRemoteJWKSet(new URL(auth.jwksUrl));
    run = (token) => jwtVerify(token, keys, check(JWKS_ALGORITHMS));
  }
  return {
    async verify(token: string): Promise<VerifiedToken> {
      let subject: string | undefined;
      try {
        subject = (await run(token)).payload.sub;
      } catch (error) {
        throw classify(error);
      }
      if (typeof subject !== 'string' || subject === '') throw new TokenRejected('no subject');
      return { userId: subject };
    },
  };
};
