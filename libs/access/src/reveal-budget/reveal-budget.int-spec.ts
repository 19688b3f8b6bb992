import { createReadStoreDataSource } from '@custodia/read-store';
import { createTestDatabase, type TestDatabase } from '@custodia/testing';
import type { DataSource } from 'typeorm';
import { PostgresRevealBudget, revealBudgetMigrations } from './reveal-budget';

const HOUR = 3_600_000;
const limits = { perWindow: 5, perWindowUnderNotice: 2, windowMs: HOUR };
const at = (ms: number): Date => new Date(Date.UTC(2026, 10, 30, 9) + ms);

describe(PostgresRevealBudget.name, () => {
  let database: TestDatabase;
  /** Two data sources: two API processes, each with its own pool. */
  let apiA: DataSource;
  let apiB: DataSource;

  const open = async (name: string): Promise<DataSource> => {
    const dataSource = createReadStoreDataSource({
      url: database.url,
      applicationName: name,
      migrations: [...revealBudgetMigrations],
    });
    await dataSource.initialize();
    return dataSource;
  };

  beforeAll(async () => {
    database = await createTestDatabase('access-reveal-budget');
    apiA = await open('api-a');
    await apiA.runMigrations();
    apiB = await open('api-b');
  });

  afterAll(async () => {
    await apiA.destroy();
    await apiB.destroy();
    await database.drop();
  });

  it('takes values while they fit, and nothing when a request would go over', async () => {
    const sut = new PostgresRevealBudget(apiA, limits);
    expect(await sut.tryTake('rep-1', false, 3, at(0))).toBe(true);
    expect(await sut.tryTake('rep-1', false, 3, at(1))).toBe(false); // 3 + 3 > 5: nothing taken
    expect(await sut.tryTake('rep-1', false, 2, at(2))).toBe(true);
    expect(await sut.tryTake('rep-1', false, 1, at(3))).toBe(false);
    expect(await sut.tryTake('rep-2', false, 5, at(3))).toBe(true); // a budget per user
    expect(await sut.tryTake('rep-3', false, 6, at(3))).toBe(false); // more than a whole budget
  });

  it('gives values back as they leave the window', async () => {
    const sut = new PostgresRevealBudget(apiA, limits);
    expect(await sut.tryTake('rep-4', false, 3, at(0))).toBe(true);
    expect(await sut.tryTake('rep-4', false, 2, at(HOUR / 2))).toBe(true);
    expect(await sut.tryTake('rep-4', false, 1, at(HOUR - 1))).toBe(false); // the first 3 are in
    expect(await sut.tryTake('rep-4', false, 3, at(HOUR))).toBe(true); // an hour on, they left
    expect(await sut.tryTake('rep-4', false, 1, at(HOUR + 1))).toBe(false);
  });

  it('allows fewer under offboarding notice', async () => {
    const sut = new PostgresRevealBudget(apiA, limits);
    expect(await sut.tryTake('leaving', true, 2, at(0))).toBe(true);
    expect(await sut.tryTake('leaving', true, 1, at(1))).toBe(false);
  });

  it('is one budget across processes, under concurrent requests', async () => {
    const a = new PostgresRevealBudget(apiA, { ...limits, perWindow: 30 });
    const b = new PostgresRevealBudget(apiB, { ...limits, perWindow: 30 });
    const results = await Promise.all(
      Array.from({ length: 80 }, (_, i) => (i % 2 === 0 ? a : b).tryTake('busy', false, 1, at(i))),
    );
    expect(results.filter(Boolean)).toHaveLength(30);
    const [row] = await apiB.query<{ n: number }[]>(
      `SELECT cardinality(taken) AS n FROM access_reveal_budget WHERE user_id = 'busy'`,
    );
    expect(row.n).toBe(30);
  });
});
