import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './config';
import { devSecretsPath, withDevSecrets } from './dev-secrets';

const log = () => ({ warn: jest.fn() });

describe(withDevSecrets.name, () => {
  it('generates development secrets once in embedded mode, mode 0600, never logging them', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'custodia-secrets-'));
    const config = loadConfig({ CUSTODIA_DATA_DIR: dataDir });
    const first = log();
    const sut = withDevSecrets(config, first);
    const again = withDevSecrets(config, log());

    expect(sut.auth).toEqual({ jwtSecret: expect.any(String) });
    expect(sut.masterKey?.key).toHaveLength(32);
    expect(again).toEqual(sut);
    expect(statSync(devSecretsPath(config)).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(readFileSync(devSecretsPath(config), 'utf8')) as {
      authJwtSecret: string;
    };
    expect(first.warn).toHaveBeenCalledTimes(1);
    expect(JSON.stringify(first.warn.mock.calls)).not.toContain(stored.authJwtSecret);
  });

  it('generates nothing with DATABASE_URL, only warns that the secrets will be required', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://db.example/custodia' });
    const warn = log();
    expect(withDevSecrets(config, warn)).toBe(config);
    expect(warn.warn).toHaveBeenCalledWith(
      { missing: ['AUTH_JWT_SECRET', 'CUSTODIA_MASTER_KEY'] },
      expect.stringContaining('required'),
    );
  });

  it('leaves configured secrets alone', () => {
    const config = loadConfig({
      AUTH_JWT_SECRET: 'x'.repeat(40),
      CUSTODIA_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
    });
    const warn = log();
    expect(withDevSecrets(config, warn)).toBe(config);
    expect(warn.warn).not.toHaveBeenCalled();
  });
});
