import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { EVENT_STORE, type EventStore } from '@custodia/event-store';
import { userStreamId } from '@custodia/identity';
import { createTestDatabase, type TestDatabase } from '@custodia/testing';
import { tokenFor } from './support/identity-tokens';
import { createTestApp } from './support/test-app';

describe('BOOTSTRAP_ADMIN_ID', () => {
  let db: TestDatabase;
  const apps: NestExpressApplication[] = [];

  const start = async (adminId: string): Promise<NestExpressApplication> => {
    const app = await createTestApp({
      databaseUrl: db.url,
      env: { BOOTSTRAP_ADMIN_ID: adminId, PROJECTOR: 'off' },
    });
    apps.push(app);
    return app;
  };

  const me = (app: NestExpressApplication, token: string) =>
    request(app.getHttpServer()).get('/v1/me').set('Authorization', `Bearer ${token}`);

  beforeAll(async () => {
    db = await createTestDatabase('identity-bootstrap');
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await db?.drop();
  });

  it('registers the admin once when several instances start together', async () => {
    const [first] = await Promise.all([start('first'), start('first'), start('first')]);
    const store = first.get<EventStore>(EVENT_STORE);
    const events = await store.readStream(userStreamId('first'));
    expect(events.map((event) => event.type)).toEqual(['UserRegistered']);
    expect(events[0]?.data).toMatchObject({ roles: ['admin'], team: null });
    expect(events[0]?.metadata.actorId).toBe('$bootstrap');
    await me(first, await tokenFor('first')).expect(200);
  });

  it('does nothing on a restart, nor for another id once an admin exists', async () => {
    const again = await start('first');
    const other = await start('second');
    const store = again.get<EventStore>(EVENT_STORE);
    expect(await store.readStream(userStreamId('first'))).toHaveLength(1);
    expect(await store.readStream(userStreamId('second'))).toEqual([]);
    await me(other, await tokenFor('second')).expect(401);
  });
});
