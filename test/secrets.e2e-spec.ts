import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { inspect } from 'node:util';
import { Controller, Get, Inject, Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { CONFIG, type Config } from '@custodia/platform';
import { createTestDatabase, type TestDatabase } from '@custodia/testing';
import { tokenFor } from './support/identity-tokens';
import { createTestApp } from './support/test-app';

/** Fresh secrets per run, so a match can only come from this app. */
const MASTER_KEY = randomBytes(32);
const JWT_SECRET = randomBytes(36).toString('base64url'); // 48 characters

/** Every text form a leaked key could take: base64, base64url, hex, a JSON byte array. */
const leakedForms = (): Record<string, string> => ({
  'master key (base64)': MASTER_KEY.toString('base64'),
  'master key (base64url)': MASTER_KEY.toString('base64url'),
  'master key (hex)': MASTER_KEY.toString('hex'),
  'master key (HEX)': MASTER_KEY.toString('hex').toUpperCase(),
  'master key (bytes)': JSON.stringify([...MASTER_KEY]).slice(1, -1),
  'master key (Buffer inspect)': inspect(MASTER_KEY).slice(8, 40),
  'JWT secret': JWT_SECRET,
  'JWT secret (base64)': Buffer.from(JWT_SECRET).toString('base64'),
  'JWT secret (hex)': Buffer.from(JWT_SECRET).toString('hex'),
});

const expectNoSecret = (where: string, text: string) => {
  const found = Object.entries(leakedForms())
    .filter(([, form]) => text.includes(form))
    .map(([name]) => name);
  expect({ where, found }).toEqual({ where, found: [] });
};

/**
 * Test-only routes: an error whose message quotes the secrets (as a library error might) and a
 * careless log line holding the whole configuration.
 */
@Controller('test-only')
class CarelessController {
  private readonly logger = new Logger('Careless');

  constructor(@Inject(CONFIG) private readonly config: Config) {}

  @Get('boom')
  boom(): never {
    const config = this.config;
    throw new Error(`could not use key ${MASTER_KEY.toString('base64')} / ${JWT_SECRET}`, {
      cause: { config },
    });
  }

  @Get('log-config')
  logConfig(): { ok: true } {
    this.logger.log({ config: this.config }, 'configuration');
    this.logger.warn(`configuration: ${inspect(this.config)} ${JSON.stringify(this.config)}`);
    return { ok: true };
  }
}

/*
 * One destination for both apps: Nest's static logger follows the last app that called
 * useLogger, so a second app in the same file may write to the first one's destination.
 */
let logs = '';
const destination = new PassThrough();
destination.on('data', (chunk: Buffer) => (logs += chunk.toString('utf8')));

describe.each([
  ['CUSTODIA_MASTER_KEY', 'env'],
  ['CUSTODIA_MASTER_KEY_FILE', 'file'],
] as const)('secrets, with the master key from %s', (variable, source) => {
  let db: TestDatabase;
  let sut: NestExpressApplication;

  const http = () => request(sut.getHttpServer());

  beforeAll(async () => {
    const keyFile = join(mkdtempSync(join(tmpdir(), 'custodia-secrets-')), 'master.key');
    writeFileSync(keyFile, `${MASTER_KEY.toString('base64')}\n`, { mode: 0o600 });
    db = await createTestDatabase(`secrets-${source}`);
    sut = await createTestApp({
      databaseUrl: db.url,
      controllers: [CarelessController],
      logDestination: destination,
      env: {
        BOOTSTRAP_ADMIN_ID: 'root',
        LOG_LEVEL: 'trace',
        AUTH_JWT_SECRET: JWT_SECRET,
        [variable]: variable === 'CUSTODIA_MASTER_KEY' ? MASTER_KEY.toString('base64') : keyFile,
      },
    });
  }, 60_000);

  afterAll(async () => {
    await sut?.close();
    await db?.drop();
  });

  it('takes the key from its source', () => {
    const config = sut.get<Config>(CONFIG);
    expect(config.masterKey?.source).toBe(source);
    expect(config.masterKey?.key.equals(MASTER_KEY)).toBe(true);
  });

  it('never shows a secret on /metrics, /health, /docs-json or in any error body, nor in the logs', async () => {
    const admin = await tokenFor('root', JWT_SECRET);
    const answers: [string, request.Response][] = [
      ['/health', await http().get('/health')],
      ['/docs-json', await http().get('/docs-json')],
      ['/v1/me', await http().get('/v1/me').auth(admin, { type: 'bearer' })],
      ['no token', await http().get('/v1/me')],
      ['wrong token', await http().get('/v1/me').auth(`${admin}x`, { type: 'bearer' })],
      ['unknown route', await http().get('/v1/no-such-route')],
      [
        'bad JSON',
        await http()
          .post('/v1/users')
          .auth(admin, { type: 'bearer' })
          .set('Content-Type', 'application/json')
          .send('{"id": '),
      ],
      [
        'invalid body',
        await http()
          .post('/v1/users')
          .auth(admin, { type: 'bearer' })
          .send({ id: JWT_SECRET, roles: ['root'] }),
      ],
      [
        'unknown customer',
        await http()
          .get('/v1/customers/00000000-0000-7000-8000-000000000000')
          .auth(admin, { type: 'bearer' })
          .set('X-Purpose', 'customer_administration'),
      ],
      ['500', await http().get('/v1/test-only/boom')],
      ['log-config', await http().get('/v1/test-only/log-config')],
    ];
    // /metrics last: it counts every request above.
    answers.push(['/metrics', await http().get('/metrics').expect(200)]);
    const statuses = Object.fromEntries(answers.map(([what, res]) => [what, res.status]));
    expect(statuses).toMatchObject({
      '/health': 200,
      '/v1/me': 200,
      'no token': 401,
      'wrong token': 401,
      'unknown route': 404,
      'bad JSON': 400,
      'invalid body': 400,
      'unknown customer': 404,
      '500': 500,
      'log-config': 200,
    });
    for (const [what, res] of answers) {
      expectNoSecret(`${what} body`, res.text);
      expectNoSecret(`${what} headers`, JSON.stringify(res.headers));
    }
    // The logs did capture the traffic (trace level), the 500's error id and the careless line.
    const boom = answers.find(([what]) => what === '500')?.[1].body as { errorId: string };
    expect(logs).toContain(boom.errorId);
    expect(logs).toContain('configuration');
    expectNoSecret('logs', logs);
  });
});
