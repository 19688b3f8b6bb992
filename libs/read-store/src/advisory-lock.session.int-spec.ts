import { createTestDatabase, type TestDatabase } from '@custodia/testing';
import type { DataSource } from 'typeorm';
import { AdvisoryLockSession } from './advisory-lock.session';
import { createReadStoreDataSource } from './read-store.data-source';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe(AdvisoryLockSession.name, () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('advisory-lock-session');
    dataSource = createReadStoreDataSource({
      url: db.url,
      applicationName: 'custodia-lock-test',
      poolSize: 3,
    });
    await dataSource.initialize();
  });

  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  it('takes one connection however many projections try their lock at once', async () => {
    const sut = new AdvisoryLockSession(dataSource, quiet);
    // More projections than the pool has connections, all starting together (a runner's start).
    const names = Array.from({ length: 12 }, (_, i) => `projection-${i}`);
    const locked = await Promise.all(names.map((name) => sut.tryLock(name)));
    expect(locked.every(Boolean)).toBe(true);
    const [{ n }] = await dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM pg_locks
        WHERE locktype = 'advisory' AND pid <> pg_backend_pid() AND granted
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    );
    expect(n).toBe(names.length);
    const [{ sessions }] = await dataSource.query<{ sessions: number }[]>(
      `SELECT count(DISTINCT pid)::int AS sessions FROM pg_locks
        WHERE locktype = 'advisory' AND granted
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    );
    expect(sessions).toBe(1);
    await sut.close();
    // Nothing leaked: the whole pool is usable again.
    await Promise.all([1, 2, 3].map(() => dataSource.query('SELECT pg_sleep(0.01)')));
  });
});
