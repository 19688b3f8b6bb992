import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './config';

const KEY = Buffer.alloc(32, 7).toString('base64');

const failure = (env: Record<string, string>): ConfigError => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe(loadConfig.name, () => {
  it('gives the documented defaults for an empty environment', () => {
    const sut = loadConfig({});
    expect(sut).toEqual({
      port: 3000,
      databaseUrl: undefined,
      dataDir: '.custodia',
      eventStore: 'postgres',
      kurrentdbUrl: undefined,
      auth: undefined,
      tokenClaims: { issuer: undefined, audience: undefined },
      masterKey: undefined,
      bootstrapAdminId: undefined,
      projector: 'inline',
      logLevel: 'info',
      alertWebhookUrl: undefined,
      treeHeadIntervalMs: 60_000,
      rateLimit: { requests: 60_000, windowMs: 60_000 },
      requestTimeoutMs: 30_000,
    });
  });

  it('reads every variable when valid', () => {
    const sut = loadConfig({
      PORT: '8080',
      DATABASE_URL: 'postgres://u:p@db:5432/custodia',
      EVENT_STORE: 'kurrentdb',
      KURRENTDB_URL: 'kurrentdb://kdb:2113?tls=false',
      AUTH_JWT_SECRET: 'x'.repeat(32),
      AUTH_JWT_ISSUER: 'https://idp.example.com/',
      AUTH_JWT_AUDIENCE: 'custodia-api',
      CUSTODIA_MASTER_KEY: KEY,
      BOOTSTRAP_ADMIN_ID: 'admin-1',
      PROJECTOR: 'off',
      LOG_LEVEL: 'debug',
      ALERT_WEBHOOK_URL: 'https://hooks.example.com/custodia',
      TREE_HEAD_INTERVAL_MS: '0',
      RATE_LIMIT_REQUESTS: '0',
      RATE_LIMIT_WINDOW_MS: '1000',
      REQUEST_TIMEOUT_MS: '0',
    });
    expect(sut.port).toBe(8080);
    expect(sut.tokenClaims).toEqual({
      issuer: 'https://idp.example.com/',
      audience: 'custodia-api',
    });
    expect(sut.requestTimeoutMs).toBe(0);
    expect(sut.rateLimit).toEqual({ requests: 0, windowMs: 1000 });
    expect(sut.treeHeadIntervalMs).toBe(0);
    expect(sut.alertWebhookUrl).toBe('https://hooks.example.com/custodia');
    expect(sut.eventStore).toBe('kurrentdb');
    expect(sut.auth).toEqual({ jwtSecret: 'x'.repeat(32) });
    expect(sut.masterKey?.key.equals(Buffer.alloc(32, 7))).toBe(true);
    expect(sut.projector).toBe('off');
  });

  it('reads the master key from a file', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'custodia-key-')), 'kek');
    writeFileSync(file, `${KEY}\n`);
    expect(loadConfig({ CUSTODIA_MASTER_KEY_FILE: file }).masterKey?.source).toBe('file');
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL'],
    [{ EVENT_STORE: 'mongo' }, 'EVENT_STORE'],
    [{ EVENT_STORE: 'kurrentdb' }, 'KURRENTDB_URL'],
    [{ AUTH_JWT_SECRET: 'short' }, 'AUTH_JWT_SECRET'],
    [{ AUTH_JWT_SECRET: 'x'.repeat(40), AUTH_JWKS_URL: 'https://idp/jwks' }, 'AUTH_JWT_SECRET'],
    [{ AUTH_JWT_ISSUER: 'my issuer' }, 'AUTH_JWT_ISSUER'],
    [{ AUTH_JWT_AUDIENCE: 'a'.repeat(257) }, 'AUTH_JWT_AUDIENCE'],
    [{ AUTH_JWT_AUDIENCE: 'custodia\u0000' }, 'AUTH_JWT_AUDIENCE'],
    [{ CUSTODIA_MASTER_KEY: Buffer.alloc(16).toString('base64') }, 'CUSTODIA_MASTER_KEY'],
    [{ CUSTODIA_MASTER_KEY_FILE: '/nonexistent/kek' }, 'CUSTODIA_MASTER_KEY_FILE'],
    [{ PROJECTOR: 'sometimes' }, 'PROJECTOR'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ ALERT_WEBHOOK_URL: 'ftp://hooks' }, 'ALERT_WEBHOOK_URL'],
    [{ TREE_HEAD_INTERVAL_MS: '-1' }, 'TREE_HEAD_INTERVAL_MS'],
    [{ RATE_LIMIT_REQUESTS: '-1' }, 'RATE_LIMIT_REQUESTS'],
    [{ RATE_LIMIT_REQUESTS: '1e3' }, 'RATE_LIMIT_REQUESTS'],
    [{ RATE_LIMIT_WINDOW_MS: '0' }, 'RATE_LIMIT_WINDOW_MS'],
    [{ REQUEST_TIMEOUT_MS: '30s' }, 'REQUEST_TIMEOUT_MS'],
    [{ TREE_HEAD_INTERVAL_MS: '1.5' }, 'TREE_HEAD_INTERVAL_MS'],
    [{ TREE_HEAD_INTERVAL_MS: '86400001' }, 'TREE_HEAD_INTERVAL_MS'],
  ])('stops on %j with one line naming %s', (env, variable) => {
    const error = failure(env);
    expect(error.variable).toBe(variable);
    expect(error.message).toMatch(new RegExp(`^Invalid configuration: ${variable} `));
    expect(error.message).not.toContain('\n');
  });

  it('never echoes a secret in its message', () => {
    const secret = 'tooshort-secret';
    expect(failure({ AUTH_JWT_SECRET: secret }).message).not.toContain(secret);
  });
});
