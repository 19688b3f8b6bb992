import { createServer } from 'node:net';
import { generateKeyPair, SignJWT } from 'jose';
import { brokenTokens, tokenFor } from '../../../../test/support/identity-tokens';
import { TEST_JWT_SECRET } from '../../../../test/support/test-app';
import { createTokenVerifier, KeysUnavailable, TokenRejected } from './token-verifier';

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
