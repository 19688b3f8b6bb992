import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { type Config, MIN_JWT_SECRET_LENGTH } from './config';
import { hideSecret } from './secret-value';

type StoredSecrets = { readonly authJwtSecret: string; readonly masterKey: string };

export const devSecretsPath = (config: Config): string => join(config.dataDir, 'dev-secrets.json');

const generate = (): StoredSecrets => ({
  authJwtSecret: randomBytes(48).toString('base64url'),
  masterKey: randomBytes(32).toString('base64'),
});

const isValid = (value: unknown): value is StoredSecrets => {
  if (typeof value !== 'object' || value === null) return false;
  const { authJwtSecret, masterKey } = value as Record<string, unknown>;
  return (
    typeof authJwtSecret === 'string' &&
    authJwtSecret.length >= MIN_JWT_SECRET_LENGTH &&
    typeof masterKey === 'string' &&
    Buffer.from(masterKey, 'base64').length === 32
  );
};

/** Reads the dev secrets, creating them once (mode 0600) on first use. */
const loadOrCreate = (path: string, dataDir: string): StoredSecrets => {
  if (existsSync(path)) {
    if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(path, 'utf8'));
    } catch {
      parsed = undefined;
    }
    if (!isValid(parsed)) {
      throw new Error(`${path} is not a valid development secrets file; delete it to regenerate`);
    }
    return parsed;
  }
  mkdirSync(dataDir, { recursive: true });
  const secrets = generate();
  // 'wx': never overwrite a file another process created in the meantime.
  writeFileSync(path, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  return secrets;
};

/**
 * Fills in the secrets the embedded default may generate. With the embedded database and no
 * AUTH_JWT_SECRET / CUSTODIA_MASTER_KEY, development values are created once under the data
 * directory; with DATABASE_URL (a real deployment) nothing is generated, only warned about.
 * Secret values are never logged.
 */
export const withDevSecrets = (config: Config, log: Pick<Logger, 'warn'>): Config => {
  const missing = [
    ...(config.auth === undefined ? ['AUTH_JWT_SECRET'] : []),
    ...(config.masterKey === undefined ? ['CUSTODIA_MASTER_KEY'] : []),
  ];
  if (missing.length === 0) return config;

  if (config.databaseUrl !== undefined) {
    log.warn(
      { missing },
      `${missing.join(' and ')} not set: allowed for now, but required once authentication and encryption are enabled`,
    );
    return config;
  }

  const path = devSecretsPath(config);
  const secrets = loadOrCreate(path, config.dataDir);
  log.warn(
    { generated: missing, file: path },
    `Using development-only ${missing.join(' and ')} from ${path}; set real values in production`,
  );
  return {
    ...config,
    auth: config.auth ?? hideSecret({ jwtSecret: secrets.authJwtSecret }),
    masterKey:
      config.masterKey ??
      hideSecret({ key: hideSecret(Buffer.from(secrets.masterKey, 'base64')), source: 'file' }),
  };
};
