import { Controller, Get, Res } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Response } from 'express';
import request from 'supertest';
import { createTestDatabase, type TestDatabase } from '@custodia/testing';
import { TOKEN_VERIFIER } from '../apps/api/src/auth/token-verifier';
import { tokenFor } from './support/identity-tokens';
import { createTestApp } from './support/test-app';

const TIMEOUT_MS = 400;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const late: { settled: boolean } = { settled: false };

/** Stand-ins for a handler stuck on a database that stopped answering, and a slow stream. */
@Controller('timeout-test')
class SlowController {
  @Get('stuck')
  async stuck(): Promise<{ data: string }> {
    await sleep(TIMEOUT_MS * 3);
    late.settled = true;
    return { data: 'sent too late' };
  }

  @Get('stuck-then-fails')
  async stuckThenFails(): Promise<never> {
    await sleep(TIMEOUT_MS * 2);
    throw new Error('the database finally answered: connection reset');
  }

  @Get('stream')
  async stream(@Res() res: Response): Promise<void> {
    res.status(200).type('application/x-ndjson');
    res.write('{"line":1}\n');
    await sleep(TIMEOUT_MS * 2);
    res.end('{"line":2}\n');
  }

  @Get('quick')
  quick(): { ok: true } {
    return { ok: true };
  }
}

/** Behind the AuthGuard (a class of its own: createTestApp marks unauthenticated ones public). */
@Controller('timeout-test-guarded')
class GuardedController {
  @Get()
  quick(): { ok: true } {
    return { ok: true };
  }
}

describe('request timeout (REQUEST_TIMEOUT_MS)', () => {
  let db: TestDatabase;
  let sut: NestExpressApplication;

  beforeAll(async () => {
    db = await createTestDatabase('request-timeout');
    sut = await createTestApp({
      databaseUrl: db.url,
      env: { REQUEST_TIMEOUT_MS: String(TIMEOUT_MS) },
      controllers: [SlowController],
    });
  });

  afterAll(async () => {
    await sut?.close();
    await db?.drop();
  });

  it('answers a request that is not answered in time with 503 problem+json and Retry-After', async () => {
    const res = await request(sut.getHttpServer()).get('/v1/timeout-test/stuck');
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.body).toMatchObject({ code: 'REQUEST.TIMEOUT', status: 503 });
    expect(JSON.stringify(res.body)).not.toContain('sent too late');
    // The handler's late answer is dropped without breaking the server.
    await sleep(TIMEOUT_MS * 3);
    expect(late.settled).toBe(true);
    await request(sut.getHttpServer()).get('/v1/timeout-test/quick').expect(200, { ok: true });
  });

  it('drops a late failure too, and keeps serving', async () => {
    const res = await request(sut.getHttpServer()).get('/v1/timeout-test/stuck-then-fails');
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ code: 'REQUEST.TIMEOUT' });
    await sleep(TIMEOUT_MS * 2);
    await request(sut.getHttpServer()).get('/v1/timeout-test/quick').expect(200, { ok: true });
  });

  it('lets a response that has started (a stream) finish', async () => {
    const res = await request(sut.getHttpServer()).get('/v1/timeout-test/stream');
    expect(res.status).toBe(200);
    expect(res.text).toBe('{"line":1}\n{"line":2}\n');
  });
});

describe('request timeout in front of the guard', () => {
  let db: TestDatabase;
  let sut: NestExpressApplication;

  beforeAll(async () => {
    db = await createTestDatabase('request-timeout-guard');
    sut = await createTestApp({
      databaseUrl: db.url,
      env: { REQUEST_TIMEOUT_MS: String(TIMEOUT_MS) },
      controllers: [GuardedController],
      authenticate: true,
      // The AuthGuard's first step never answers, like a lookup on a database that hangs.
      decorate: [
        {
          token: TOKEN_VERIFIER,
          inject: [],
          useFactory: () => ({ verify: () => new Promise<never>(() => undefined) }),
        },
      ],
    });
  });

  afterAll(async () => {
    await sut?.close();
    await db?.drop();
  });

  it('answers 503 even when the request never gets past authentication', async () => {
    const res = await request(sut.getHttpServer())
      .get('/v1/timeout-test-guarded')
      .auth(await tokenFor('someone'), { type: 'bearer' });
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ code: 'REQUEST.TIMEOUT' });
  });
});
