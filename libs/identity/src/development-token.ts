import { SignJWT } from 'jose';

export type DevelopmentTokenOptions = {
  /** The HS256 secret the API verifies with (AUTH_JWT_SECRET or the embedded dev secret). */
  readonly secret: string;
  readonly userId: string;
  readonly now: Date;
  readonly ttlSeconds?: number;
  /** `iss` and `aud`, when the API checks them (AUTH_JWT_ISSUER, AUTH_JWT_AUDIENCE). */
  readonly issuer?: string;
  readonly audience?: string;
};

export const DEVELOPMENT_TOKEN_TTL_SECONDS = 3600;

/**
 * An HS256 JWT whose `sub` is the user id, for development and tests. It carries no roles or
 * team on purpose: the API reads those from the user directory on every request.
 */
export const signDevelopmentToken = (options: DevelopmentTokenOptions): Promise<string> => {
  const issuedAt = Math.floor(options.now.getTime() / 1000);
  const token = new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(options.userId)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + (options.ttlSeconds ?? DEVELOPMENT_TOKEN_TTL_SECONDS));
  if (options.issuer !== undefined) token.setIssuer(options.issuer);
  if (options.audience !== undefined) token.setAudience(options.audience);
  return token.sign(new TextEncoder().encode(options.secret));
};
