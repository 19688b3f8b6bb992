import { existsSync, readFileSync } from 'node:fs';
import { hideSecret } from './secret-value';

export type EventStoreKind = 'postgres' | 'kurrentdb';
export type ProjectorMode = 'inline' | 'off';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** The one validated configuration object. Built once at boot from the environment. */
export type Config = {
  readonly port: number;
  /** Undefined means: start the embedded PostgreSQL under `dataDir`. */
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly eventStore: EventStoreKind;
  readonly kurrentdbUrl: string | undefined;
  readonly auth: { readonly jwtSecret: string } | { readonly jwksUrl: string } | undefined;
  /**
   * What a token must say it is from (`iss`) and for (`aud`), when set: a token the same keys
   * signed for another application, or by another issuer, is refused.
   */
  readonly tokenClaims: {
    readonly issuer: string | undefined;
    readonly audience: string | undefined;
  };
  readonly masterKey: { readonly key: Buffer; readonly source: 'env' | 'file' } | undefined;
  readonly bootstrapAdminId: string | undefined;
  readonly projector: ProjectorMode;
  readonly logLevel: LogLevel;
  /** Where access anomaly alerts are POSTed (optional); the alerts are also in GET /v1/alerts. */
  readonly alertWebhookUrl: string | undefined;
  /** How often the API signs a Merkle tree head over the log; 0 turns periodic signing off. */
  readonly treeHeadIntervalMs: number;
  /** Requests each user (or client IP, without a user) may make per window; 0 = no limit. */
  readonly rateLimit: { readonly requests: number; readonly windowMs: number };
  /** Longest wait for an answer to start before the API answers 503 itself; 0 = no limit. */
  readonly requestTimeoutMs: number;
};

/** Thrown when the environment is wrong; the message is one line naming the variable. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`Invalid configuration: ${variable} ${reason}`);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS: readonly LogLevel[] = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
];
export const MIN_JWT_SECRET_LENGTH = 32;

type Env = Readonly<Record<string, string | undefined>>;

const present = (env: Env, name: string): string | undefined => {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
};

const oneOf = <T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T => {
  const value = present(env, name) ?? fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(name, `must be one of ${allowed.join('|')}`);
  }
  return value as T;
};

const url = (env: Env, name: string, protocols: readonly string[]): string | undefined => {
  const value = present(env, name);
  if (value === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError(name, 'must be a URL');
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must use ${protocols.join(' or ')}`);
  }
  return value;
};

const decodeMasterKey = (name: string, base64: string): Buffer => {
  const key = Buffer.from(base64.trim(), 'base64');
  if (key.length !== 32 || key.toString('base64') !== base64.trim()) {
    throw new ConfigError(name, 'must be 32 bytes encoded as base64');
  }
  return hideSecret(key);
};

const masterKey = (env: Env): Config['masterKey'] => {
  const inline = present(env, 'CUSTODIA_MASTER_KEY');
  const file = present(env, 'CUSTODIA_MASTER_KEY_FILE');
  if (inline !== undefined && file !== undefined) {
    throw new ConfigError(
      'CUSTODIA_MASTER_KEY',
      'and CUSTODIA_MASTER_KEY_FILE are both set; choose one',
    );
  }
  if (inline !== undefined)
    return hideSecret({ key: decodeMasterKey('CUSTODIA_MASTER_KEY', inline), source: 'env' });
  if (file === undefined) return undefined;
  if (!existsSync(file))
    throw new ConfigError('CUSTODIA_MASTER_KEY_FILE', 'names a file that does not exist');
  return hideSecret({
    key: decodeMasterKey('CUSTODIA_MASTER_KEY_FILE', readFileSync(file, 'utf8')),
    source: 'file',
  });
};

const auth = (env: Env): Config['auth'] => {
  const secret = present(env, 'AUTH_JWT_SECRET');
  const jwksUrl = url(env, 'AUTH_JWKS_URL', ['https:', 'http:']);
  if (secret !== undefined && jwksUrl !== undefined) {
    throw new ConfigError('AUTH_JWT_SECRET', 'and AUTH_JWKS_URL are both set; choose one');
  }
  if (secret !== undefined) {
    if (secret.length < MIN_JWT_SECRET_LENGTH) {
      throw new ConfigError(
        'AUTH_JWT_SECRET',
        `must be at least ${MIN_JWT_SECRET_LENGTH} characters`,
      );
    }
    return hideSecret({ jwtSecret: secret });
  }
  return jwksUrl === undefined ? undefined : { jwksUrl };
};

/** A claim value: 1–256 printable characters, no spaces. */
const claim = (env: Env, name: string): string | undefined => {
  const value = present(env, name);
  if (value !== undefined && !/^[\x21-\x7e]{1,256}$/.test(value)) {
    throw new ConfigError(name, 'must be 1-256 printable ASCII characters without spaces');
  }
  return value;
};

/** A whole number of milliseconds from 0 to one day. */
const milliseconds = (env: Env, name: string, fallback: number): number => {
  const value = present(env, name);
  if (value === undefined) return fallback;
  if (!/^\d{1,8}$/.test(value) || Number(value) > 86_400_000) {
    throw new ConfigError(name, 'must be a whole number of milliseconds from 0 to 86400000');
  }
  return Number(value);
};

/** A whole number from 0 to `max`. */
const count = (env: Env, name: string, fallback: number, max: number): number => {
  const value = present(env, name);
  if (value === undefined) return fallback;
  if (!/^\d{1,10}$/.test(value) || Number(value) > max) {
    throw new ConfigError(name, `must be a whole number from 0 to ${max}`);
  }
  return Number(value);
};

const rateLimit = (env: Env): Config['rateLimit'] => {
  // High by default: one user's budget must not throttle the benchmark's single-user load.
  const requests = count(env, 'RATE_LIMIT_REQUESTS', 60_000, 1_000_000_000);
  const windowMs = milliseconds(env, 'RATE_LIMIT_WINDOW_MS', 60_000);
  if (windowMs === 0) throw new ConfigError('RATE_LIMIT_WINDOW_MS', 'must be at least 1');
  return { requests, windowMs };
};

const port = (env: Env): number => {
  const raw = present(env, 'PORT') ?? '3000';
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < 1 || value > 65535) {
    throw new ConfigError('PORT', 'must be an integer between 1 and 65535');
  }
  return value;
};

/**
 * Validates the environment into one typed object, or throws a ConfigError naming the variable.
 * Secrets that the embedded default can generate (JWT secret, master key) are optional here; the
 * API's bootstrap decides whether a missing one is an error.
 */
export const loadConfig = (env: Env = process.env): Config => {
  const eventStore = oneOf<EventStoreKind>(
    env,
    'EVENT_STORE',
    ['postgres', 'kurrentdb'],
    'postgres',
  );
  const kurrentdbUrl = url(env, 'KURRENTDB_URL', [
    'kurrentdb:',
    'kurrentdb+discover:',
    'esdb:',
    'esdb+discover:',
  ]);
  if (eventStore === 'kurrentdb' && kurrentdbUrl === undefined) {
    throw new ConfigError('KURRENTDB_URL', 'is required when EVENT_STORE=kurrentdb');
  }
  return {
    port: port(env),
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    dataDir: present(env, 'CUSTODIA_DATA_DIR') ?? '.custodia',
    eventStore,
    kurrentdbUrl,
    auth: auth(env),
    tokenClaims: {
      issuer: claim(env, 'AUTH_JWT_ISSUER'),
      audience: claim(env, 'AUTH_JWT_AUDIENCE'),
    },
    masterKey: masterKey(env),
    bootstrapAdminId: present(env, 'BOOTSTRAP_ADMIN_ID'),
    projector: oneOf<ProjectorMode>(env, 'PROJECTOR', ['inline', 'off'], 'inline'),
    logLevel: oneOf<LogLevel>(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    alertWebhookUrl: url(env, 'ALERT_WEBHOOK_URL', ['https:', 'http:']),
    treeHeadIntervalMs: milliseconds(env, 'TREE_HEAD_INTERVAL_MS', 60_000),
    rateLimit: rateLimit(env),
    requestTimeoutMs: milliseconds(env, 'REQUEST_TIMEOUT_MS', 30_000),
  };
};
