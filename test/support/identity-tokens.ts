import { SignJWT, UnsecuredJWT } from 'jose';
import { signDevelopmentToken } from '@custodia/identity';
import { TEST_JWT_SECRET } from './test-app';

const HOUR = 3600;
const seconds = (date: Date): number => Math.floor(date.getTime() / 1000);

/** A valid HS256 token for `userId`, signed with the test apps' secret. */
export const tokenFor = (userId: string, secret = TEST_JWT_SECRET): Promise<string> =>
  signDevelopmentToken({ secret, userId, now: new Date() });

/** Tokens every API must refuse with the same 401, each broken in one way. */
export const brokenTokens = async (userId: string): Promise<Record<string, string>> => {
  const key = new TextEncoder().encode(TEST_JWT_SECRET);
  const now = seconds(new Date());
  const valid = await tokenFor(userId);
  const [header = '', payload = ''] = valid.split('.');
  return {
    expired: await signDevelopmentToken({
      secret: TEST_JWT_SECRET,
      userId,
      now: new Date(Date.now() - 2 * HOUR * 1000),
    }),
    'alg none': new UnsecuredJWT({})
      .setSubject(userId)
      .setExpirationTime(now + HOUR)
      .encode(),
    'wrong signature': await tokenFor(userId, 'another-secret-0123456789abcdefghijklmnopqrst'),
    'tampered payload': `${header}.${Buffer.from(JSON.stringify({ sub: 'root', exp: now + HOUR })).toString('base64url')}.${valid.split('.')[2] ?? ''}`,
    'payload only': `${header}.${payload}.`,
    'no exp': await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(userId)
      .sign(key),
    'no sub': await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime(now + HOUR)
      .sign(key),
    'roles claim for an unknown user': await new SignJWT({ roles: ['admin'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('nobody-here')
      .setExpirationTime(now + HOUR)
      .sign(key),
    'e-mail subject': await tokenFor('root@example.com'),
  };
};
