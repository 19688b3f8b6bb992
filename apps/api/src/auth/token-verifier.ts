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

/**
 * How long a verified token is remembered. A client sends the same token on every request until
 * it expires; checking its signature again (an async WebCrypto call) each time cost 5–8 % of a
 * list request's CPU and a thread-pool hop. Only the signature is cached, never the user: the
 * guard still reads the user's roles, team and departure from the log on every request.
 */
export const VERIFIED_TOKEN_TTL_MS = 60_000;
const VERIFIED_TOKEN_LIMIT = 10_000;

type Remembered = { readonly userId: string; readonly until: number };

/**
 * Successful verifications, each until the token's `exp` or `ttlMs`, whichever comes first (so an
 * expired token is never accepted from here, and a key dropped from the JWKS stops counting within
 * `ttlMs`). Bounded: the oldest entry goes when the map is full. Failures are never cached.
 */
export const rememberVerified = (
  inner: (token: string) => Promise<{ result: VerifiedToken; expiresAt: number }>,
  options: { ttlMs: number; limit: number; now?: () => number },
): TokenVerifier => {
  const now = options.now ?? Date.now;
  const remembered = new Map<string, Remembered>();
  return {
    async verify(token: string): Promise<VerifiedToken> {
      const hit = remembered.get(token);
      if (hit !== undefined) {
        if (now() < hit.until) return { userId: hit.userId };
        remembered.delete(token);
      }
      const { result, expiresAt } = await inner(token);
      const until = Math.min(expiresAt, now() + options.ttlMs);
      if (until > now()) {
        if (remembered.size >= options.limit) {
          remembered.delete(remembered.keys().next().value as string);
        }
        remembered.set(token, { userId: result.userId, until });
      }
      return result;
    },
  };
};

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
 * jose). `exp` and `sub` are required, `iss` and `aud` too when AUTH_JWT_ISSUER / AUTH_JWT_AUDIENCE
 * are set; roles in the token are ignored (the directory decides).
 */
export const createTokenVerifier = (
  auth: NonNullable<Config['auth']>,
  claims: Config['tokenClaims'] = { issuer: undefined, audience: undefined },
): TokenVerifier => {
  const check = (algorithms: string[]): JWTVerifyOptions => ({
    algorithms,
    requiredClaims: ['exp', 'sub'],
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
    // When configured, jose requires the claim and refuses any other value.
    ...(claims.issuer === undefined ? {} : { issuer: claims.issuer }),
    ...(claims.audience === undefined ? {} : { audience: claims.audience }),
  });
  let run: (token: string) => Promise<JWTVerifyResult>;
  if ('jwtSecret' in auth) {
    const secret = new TextEncoder().encode(auth.jwtSecret);
    run = (token) => jwtVerify(token, secret, check(HMAC_ALGORITHMS));
  } else {
    const keys = createRemoteJWKSet(new URL(auth.jwksUrl));
    run = (token) => jwtVerify(token, keys, check(JWKS_ALGORITHMS));
  }
  return rememberVerified(
    async (token) => {
      let payload: JWTVerifyResult['payload'];
      try {
        ({ payload } = await run(token));
      } catch (error) {
        throw classify(error);
      }
      const subject = payload.sub;
      if (typeof subject !== 'string' || subject === '') throw new TokenRejected('no subject');
      // `exp` is a required claim: jose has checked it is a number in the future.
      return { result: { userId: subject }, expiresAt: (payload.exp as number) * 1000 };
    },
    { ttlMs: VERIFIED_TOKEN_TTL_MS, limit: VERIFIED_TOKEN_LIMIT },
  );
};
