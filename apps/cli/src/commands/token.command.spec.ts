import { InMemoryEventStore } from '@custodia/event-store';
import { loadConfig, systemClock } from '@custodia/platform';
import { createTokenVerifier, TokenRejected } from '../../../api/src/auth/token-verifier';
import { TokenCommand } from './token.command';

const SECRET = 'a-development-secret-of-32-chars!';

/** What `npm run cli -- token <userId>` prints on stdout. */
const printedToken = async (env: Record<string, string>, userId: string): Promise<string> => {
  const command = new TokenCommand(loadConfig(env), new InMemoryEventStore(), systemClock);
  const out: string[] = [];
  const stdout = jest
    .spyOn(process.stdout, 'write')
    .mockImplementation((chunk) => out.push(String(chunk)) > 0);
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    await command.run([userId]);
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
  return out.join('').trim();
};

describe(TokenCommand.name, () => {
  const claims = {
    AUTH_JWT_ISSUER: 'https://custodia.example.com/',
    AUTH_JWT_AUDIENCE: 'custodia',
  };

  it('signs the configured issuer and audience in, so the API accepts the token', async () => {
    const config = loadConfig({ AUTH_JWT_SECRET: SECRET, ...claims });
    const token = await printedToken({ AUTH_JWT_SECRET: SECRET, ...claims }, 'admin');
    const verifier = createTokenVerifier(config.auth!, config.tokenClaims);
    await expect(verifier.verify(token)).resolves.toEqual({ userId: 'admin' });
  });

  it('prints a token an API checking another audience refuses', async () => {
    const token = await printedToken({ AUTH_JWT_SECRET: SECRET, ...claims }, 'admin');
    const other = loadConfig({ AUTH_JWT_SECRET: SECRET, ...claims, AUTH_JWT_AUDIENCE: 'billing' });
    await expect(
      createTokenVerifier(other.auth!, other.tokenClaims).verify(token),
    ).rejects.toBeInstanceOf(TokenRejected);
  });
});
