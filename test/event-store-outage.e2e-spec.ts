import { Controller, Inject, Post } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { EVENT_STORE, type EventStore, EventStoreError } from '@custodia/event-store';
import { createTestDatabase, type TestDatabase } from '@custodia/testing';
import { createTestApp } from './support/test-app';

const down = (): Promise<never> =>
  Promise.reject(new EventStoreError('EVENT_STORE.UNAVAILABLE', 'connect ECONNREFUSED 10.0.0.7'));

/** An event store whose server cannot be reached. */
const unreachableStore: EventStore = {
  append: down,
  readStream: down,
  readAll: down,
  headPosition: down,
  ping: down,
  scanAll: () => ({ [Symbol.asyncIterator]: () => ({ next: down }) }),
  subscribeToAll: () => ({
    [Symbol.asyncIterator]: () => ({ next: down }),
    close: () => Promise.resolve(),
  }),
  comparePositions: () => 0,
  close: () => Promise.resolve(),
};

@Controller('test-only')
class AppendController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @Post('events')
  async append(): Promise<void> {
    await this.store.append('e2e-thing-1', [{ type: 'ThingHappened', data: {} }]);
  }
}

describe('Custodia API when the event store is down', () => {
  let db: TestDatabase;
  let sut: NestExpressApplication;

  beforeAll(async () => {
    db = await createTestDatabase('api-outage');
    sut = await createTestApp({
      databaseUrl: db.url,
      env: { PROJECTOR: 'off' },
      controllers: [AppendController],
      eventStore: unreachableStore,
    });
  });

  afterAll(async () => {
    await sut?.close();
    await db?.drop();
  });

  it('answers a write with a 503 problem and Retry-After', async () => {
    const res = await request(sut.getHttpServer())
      .post('/v1/test-only/events')
      .expect(503)
      .expect('Content-Type', /^application\/problem\+json/)
      .expect('Retry-After', '5');
    expect(res.body).toMatchObject({ status: 503, code: 'EVENT_STORE.UNAVAILABLE' });
    expect(res.text).not.toContain('10.0.0.7');
  });

  it('reports the event store down on /health with a 503, the database still up', async () => {
    const res = await request(sut.getHttpServer()).get('/health').expect(503);
    expect(res.body).toMatchObject({
      status: 'error',
      info: { database: { status: 'up' } },
      error: { eventStore: { status: 'down' } },
    });
    expect(res.text).not.toContain('10.0.0.7');
  });
});
