import { Body, Controller, Get, Inject, Post } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { IsMobilePhone, IsString, Length } from 'class-validator';
import request from 'supertest';
import { EVENT_STORE, type EventStore } from '@custodia/event-store';
import { createTestDatabase, type TestDatabase } from '@custodia/testing';
import { createTestApp } from './support/test-app';

class CreateThingDto {
  @IsMobilePhone('zh-CN')
  phone!: string;

  @IsString()
  @Length(1, 20)
  label!: string;
}

/** Test-only routes: no real /v1 route exists yet. */
@Controller('test-only')
class TestOnlyController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @Post('things')
  create(@Body() body: CreateThingDto): { label: string } {
    return { label: body.label };
  }

  @Post('events')
  async append(): Promise<{ ok: true }> {
    await this.store.append('e2e-thing-1', [{ type: 'ThingHappened', data: {} }]);
    return { ok: true };
  }

  @Get('boom')
  boom(): never {
    throw new Error('database said: duplicate key (phone)=(13900001111)');
  }
}

const PROBLEM = /^application\/problem\+json/;

describe('Custodia API', () => {
  let db: TestDatabase;
  let sut: NestExpressApplication;

  beforeAll(async () => {
    db = await createTestDatabase('api-e2e');
    sut = await createTestApp({ databaseUrl: db.url, controllers: [TestOnlyController] });
  });

  afterAll(async () => {
    await sut?.close();
    await db?.drop();
  });

  it('reports database, event store and projector on /health', async () => {
    const res = await request(sut.getHttpServer()).get('/health').expect(200);
    expect(res.body).toMatchObject({
      status: 'ok',
      info: {
        database: { status: 'up' },
        eventStore: { status: 'up' },
        projector: { status: 'up', mode: 'inline', projections: { 'stream-summary': {} } },
      },
    });
  });

  it('exposes runner, HTTP and Node metrics on /metrics, labelled by route template', async () => {
    await request(sut.getHttpServer()).get('/health').expect(200);
    await request(sut.getHttpServer()).get('/v1/no-such-thing/13900001111').expect(404);
    const res = await request(sut.getHttpServer()).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toContain('custodia_projection_events_applied_total');
    expect(res.text).toContain('process_cpu_seconds_total');
    expect(res.text).toMatch(/http_request_duration_seconds_count\{[^}]*route="\/health"/);
    expect(res.text).toMatch(/http_request_duration_seconds_count\{[^}]*route="unmatched"/);
    expect(res.text).not.toContain('13900001111');
  });

  it('serves a valid OpenAPI document on /docs-json and the UI on /docs', async () => {
    const res = await request(sut.getHttpServer()).get('/docs-json').expect(200);
    expect(res.body.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(res.body.info).toMatchObject({ title: 'Custodia API', version: '1' });
    expect(Object.keys(res.body.paths as object)).toEqual(
      expect.arrayContaining(['/health', '/v1/test-only/things']),
    );
    const ui = await request(sut.getHttpServer()).get('/docs').redirects(1).expect(200);
    expect(ui.text).toContain('swagger-ui');
  });

  it('answers an unknown route with a 404 problem that does not echo the path', async () => {
    const res = await request(sut.getHttpServer())
      .get('/v1/no-such-route/13900001111')
      .expect(404)
      .expect('Content-Type', PROBLEM);
    expect(res.body).toMatchObject({ type: 'about:blank', title: 'Not Found', status: 404 });
    expect(res.body.instance).toMatch(/^urn:uuid:/);
    expect(res.text).not.toContain('13900001111');
  });

  it('rejects invalid input with a 400 problem naming fields and rules, not values', async () => {
    const res = await request(sut.getHttpServer())
      .post('/v1/test-only/things')
      .send({ phone: '13900001111x', label: 'ok', nickname: 'canary-zhang-san' })
      .expect(400)
      .expect('Content-Type', PROBLEM);
    expect(res.body).toMatchObject({ status: 400, code: 'REQUEST.VALIDATION' });
    expect(res.body.errors).toEqual(
      expect.arrayContaining([
        { field: 'phone', rule: 'isMobilePhone' },
        { field: 'nickname', rule: 'whitelistValidation' },
      ]),
    );
    expect(res.text).not.toContain('13900001111x');
    expect(res.text).not.toContain('canary-zhang-san');
    expect(res.text).not.toMatch(/\bat .+:\d+:\d+/); // no stack frames
  });

  it('accepts valid input', async () => {
    await request(sut.getHttpServer())
      .post('/v1/test-only/things')
      .send({ phone: '13900001111', label: 'ok' })
      .expect(201, { label: 'ok' });
  });

  it('turns malformed and oversized bodies into problems without echoing them', async () => {
    const server = sut.getHttpServer();
    const malformed = await request(server)
      .post('/v1/test-only/things')
      .set('Content-Type', 'application/json')
      .send('{"phone": canary-lisi')
      .expect(400)
      .expect('Content-Type', PROBLEM);
    expect(malformed.text).not.toContain('canary-lisi');
    await request(server)
      .post('/v1/test-only/things')
      .send({ phone: '13900001111', label: 'x'.repeat(150_000) })
      .expect(413)
      .expect('Content-Type', PROBLEM);
  });

  it('hides unexpected errors behind a 500 problem with an error id', async () => {
    const res = await request(sut.getHttpServer())
      .get('/v1/test-only/boom')
      .expect(500)
      .expect('Content-Type', PROBLEM);
    expect(res.body.errorId).toEqual(expect.any(String));
    expect(res.text).not.toContain('13900001111');
    expect(res.text).not.toContain('duplicate key');
  });

  it('echoes request and correlation ids, and makes them up when absent or unsafe', async () => {
    const given = await request(sut.getHttpServer())
      .get('/health')
      .set('X-Request-Id', 'req-123')
      .set('X-Correlation-Id', 'flow-9');
    expect(given.headers['x-request-id']).toBe('req-123');
    expect(given.headers['x-correlation-id']).toBe('flow-9');
    const made = await request(sut.getHttpServer()).get('/health').set('X-Request-Id', '<script>');
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(made.headers['x-correlation-id']).toBe(made.headers['x-request-id']);
  });

  it('appends through the event store, and the in-process projector applies it', async () => {
    const res = await request(sut.getHttpServer()).post('/v1/test-only/events').expect(201);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-powered-by']).toBeUndefined();
    const applied = async (): Promise<number> => {
      const health = await request(sut.getHttpServer()).get('/health');
      return Number(health.body.info.projector.projections['stream-summary'].eventsApplied);
    };
    const deadline = Date.now() + 15_000;
    while ((await applied()) < 1 && Date.now() < deadline) {
      await new Promise((done) => setTimeout(done, 200));
    }
    expect(await applied()).toBeGreaterThanOrEqual(1);
  });
});
