import { createServer } from 'node:net';
import { generateKeyPair, SignJWT } from 'jose';
import { signDevelopmentToken } from '@custodia/identity';
import { brokenTokens, tokenFor } from '../../../../test/support/identity-tokens';
import { TEST_JWT_SECRET } from '../../../../test/support/test-app';
import {
  createTokenVerifier,
  KeysUnavailable,
  rememberVerified,
  TokenRejected,
} from './token-verifier';

const rejection = async (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

/** A port nothing listens on. */
const closedPort = (): Promise<number> =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

describe(createTokenVerifier.name, () => {
  describe('with AUTH_JWT_SECRET', () => {
    const sut = createTokenVerifier({ jwtSecret: TEST_JWT_SECRET });

    it('gives the subject of a valid HS256 token', async () => {
      await expect(sut.verify(await tokenFor('wang.wei'))).resolves.toEqual({ userId: 'wang.wei' });
    });

    it.each([
      'expired',
      'alg none',
      'wrong signature',
      'tampered payload',
      'payload only',
      'no exp',
      'no sub',
    ])('rejects a token with %s', async (kind) => {
      const token = (await brokenTokens('wang.wei'))[kind] ?? '';
      expect(await rejection(sut.verify(token))).toBeInstanceOf(TokenRejected);
    });

    it('rejects an ES256 token: only HS256 is allowed with a secret', async () => {
      const { privateKey } = await generateKeyPair('ES256');
      const token = await new SignJWT({})
        .setProtectedHeader({ alg: 'ES256' })
        .setSubject('wang.wei')
        .setExpirationTime('5m')
        .sign(privateKey);
      expect(await rejection(sut.verify(token))).toBeInstanceOf(TokenRejected);
    });
  });

  describe('with AUTH_JWT_ISSUER and AUTH_JWT_AUDIENCE', () => {
    const claims = { issuer: 'https://idp.example.com/', audience: 'custodia-api' };
    const sut = createTokenVerifier({ jwtSecret: TEST_JWT_SECRET }, claims);
    const signed = (extra: { issuer?: string; audience?: string }): Promise<string> =>
      signDevelopmentToken({
        secret: TEST_JWT_SECRET,
        userId: 'wang.wei',
        now: new Date(),
        ...extra,
      });

    it('accepts a token from that issuer for that audience', async () => {
      await expect(sut.verify(await signed(claims))).resolves.toEqual({ userId: 'wang.wei' });
    });

    it.each([
      ['no iss', { audience: claims.audience }],
      ['no aud', { issuer: claims.issuer }],
      ['another issuer', { ...claims, issuer: 'https://other-idp.example.com/' }],
      ['another audience', { ...claims, audience: 'billing-api' }],
    ])('rejects a token with %s, though its signature is good', async (_, extra) => {
      expect(await rejection(sut.verify(await signed(extra)))).toBeInstanceOf(TokenRejected);
    });

    it('checks neither when they are not configured', async () => {
      const open = createTokenVerifier({ jwtSecret: TEST_JWT_SECRET });
      await expect(open.verify(await signed({ audience: 'billing-api' }))).resolves.toEqual({
        userId: 'wang.wei',
      });
    });
  });

  describe('with AUTH_JWKS_URL', () => {
    it('reports unreachable keys as unavailable (503), not as a bad token', async () => {
      const sut = createTokenVerifier({
        jwksUrl: `http://127.0.0.1:${await closedPort()}/jwks.json`,
      });
      const { privateKey } = await generateKeyPair('ES256');
      const token = await new SignJWT({})
        .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
        .setSubject('wang.wei')
        .setExpirationTime('5m')
        .sign(privateKey);
      expect(await rejection(sut.verify(token))).toBeInstanceOf(KeysUnavailable);
    });

    it('rejects an HS256 token before fetching any key', async () => {
      const sut = createTokenVerifier({
        jwksUrl: `http://127.0.0.1:${await closedPort()}/jwks.json`,
      });
      expect(await rejection(sut.verify(await tokenFor('wang.wei')))).toBeInstanceOf(TokenRejected);
    });
  });
});

describe(rememberVerified.name, () => {
  const setup = (expiresAt: number, limit = 10) => {
    let clock = 1_000_000;
    const calls: string[] = [];
    const sut = rememberVerified(
      (token) => {
        calls.push(token);
        if (token.startsWith('bad')) return Promise.reject(new TokenRejected('bad'));
        return Promise.resolve({ result: { userId: `user-of-${token}` }, expiresAt });
      },
      { ttlMs: 60_000, limit, now: () => clock },
    );
    return { sut, calls, advance: (ms: number) => (clock += ms) };
  };

  it('checks a token once, then answers from memory until the TTL', async () => {
    const { sut, calls, advance } = setup(10_000_000);
    await expect(sut.verify('a')).resolves.toEqual({ userId: 'user-of-a' });
    advance(59_999);
    await expect(sut.verify('a')).resolves.toEqual({ userId: 'user-of-a' });
    expect(calls).toEqual(['a']);
    advance(1);
    await sut.verify('a');
    expect(calls).toEqual(['a', 'a']);
  });

  it("never answers from memory past the token's expiry", async () => {
    const { sut, calls, advance } = setup(1_000_000 + 5_000);
    await sut.verify('a');
    advance(5_000);
    await sut.verify('a');
    expect(calls).toEqual(['a', 'a']);
  });

  it('does not remember failures', async () => {
    const { sut, calls } = setup(10_000_000);
    await expect(sut.verify('bad')).rejects.toBeInstanceOf(TokenRejected);
    await expect(sut.verify('bad')).rejects.toBeInstanceOf(TokenRejected);
    expect(calls).toEqual(['bad', 'bad']);
  });

  it('forgets the oldest token when full', async () => {
    const { sut, calls } = setup(10_000_000, 2);
    for (const token of ['a', 'b', 'c', 'b', 'a']) await sut.verify(token);
    expect(calls).toEqual(['a', 'b', 'c', 'a']);
  });
});
