import { randomBytes, randomUUID } from 'node:crypto';
import type { EventStore, NewEvent } from '@custodia/event-store';
import { PostgresEventStore } from '@custodia/event-store';
import { ProjectionRunner } from '@custodia/read-store';
import { createTestDatabase, type TestDatabase } from '@custodia/testing';
import type { DataSource } from 'typeorm';
import {
  consentGranted,
  followUpLogged,
  openAccessDataSource,
  ownerChanged,
  registered,
} from './access-read-models.fixtures';
import { accessProjections } from './access.projections';
import { BlindIndex } from './blind-index';
import { PostgresCustomerViews } from './postgres-customer-views';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

const waitFor = async <T>(what: string, read: () => Promise<T | undefined>): Promise<T> => {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

describe('access read models under the ProjectionRunner', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let store: EventStore;

  beforeAll(async () => {
    database = await createTestDatabase('access-runner');
    dataSource = await openAccessDataSource(database.url, { withEventStore: true });
    store = await PostgresEventStore.connect(database.url, { pollIntervalMs: 50 });
  });

  afterAll(async () => {
    await store.close();
    await dataSource.destroy();
    await database.drop();
  });

  it('builds every access read model from a customer stream in the log', async () => {
    const blindIndex = new BlindIndex(randomBytes(32));
    const customerId = randomUUID();
    const asNew = ({ type, data }: { type: string; data: Record<string, unknown> }): NewEvent => ({
      type,
      data,
    });
    await store.append(
      `Customer-${customerId}`,
      [
        registered(customerId, { phone: '13812345678', company: '金地科技' }),
        consentGranted(customerId, 'sales_followup', '2026-01-02T00:00:00.000Z'),
        followUpLogged(customerId, {
          occurredAt: '2026-06-01T08:00:00.000Z',
          nextFollowUpAt: '2026-06-08T08:00:00.000Z',
          orderStatus: 'quoted',
        }),
        ownerChanged(customerId, 'rep-2', 'west'),
      ].map(asNew),
    );
    await store.append(`Other-${randomUUID()}`, [{ type: 'SomethingElse', data: {} }]);

    const sut = new ProjectionRunner({
      dataSource,
      eventStore: store,
      projections: accessProjections(blindIndex),
      logger: silent,
      pollIntervalMs: 50,
      lockRetryMs: 50,
      backoff: { initialMs: 20, maxMs: 100 },
    });
    sut.start();
    try {
      const views = new PostgresCustomerViews(dataSource, blindIndex);
      const entry = await waitFor('the directory entry with its owner change', async () => {
        const row = await views.directoryEntry(customerId);
        return row?.ownerId === 'rep-2' ? row : undefined;
      });
      expect(entry).toMatchObject({
        team: 'west',
        masked: { name: '张*', phone: '138****5678' },
        activeBases: [{ purpose: 'sales_followup', lawfulBasis: 'consent', separate: false }],
        nextFollowUpAt: '2026-06-08T08:00:00.000Z',
      });
      const finance = await waitFor('the finance row', async () => {
        const row = await views.financeOf(customerId);
        return row?.ownerId === 'rep-2' ? row : undefined;
      });
      expect(finance).toMatchObject({ company: '金地科技', orderStatus: 'quoted' });
      await waitFor('the consent', async () => (await views.consentsOf(customerId))[0]);
      const followUps = await waitFor('the follow-up', async () => {
        const page = await views.followUpsOf(customerId, undefined, 10);
        return page.items.length === 1 ? page : undefined;
      });
      expect(followUps.items[0]).toMatchObject({ orderStatus: 'quoted', hasSummary: true });
      const byPhone = await views.listDirectory(
        { scope: { kind: 'all' }, phone: '+86 138-1234-5678' },
        undefined,
        10,
      );
      expect(byPhone.items.map((row) => row.customerId)).toEqual([customerId]);
    } finally {
      await sut.stop();
    }
  });

  it('migrates down and up again (reversible migrations)', async () => {
    const accessTables = async (): Promise<string[]> => {
      const rows: { table_name: string }[] = await dataSource.query(
        `SELECT table_name FROM information_schema.tables
          WHERE table_schema = 'public' AND table_name LIKE 'access\\_%' ORDER BY table_name`,
      );
      return rows.map((row) => row.table_name);
    };
    expect(await accessTables()).toEqual([
      'access_customer_consents',
      'access_customer_directory',
      'access_customer_finance',
      'access_customer_statistics',
      'access_follow_ups',
      'access_statistics_owners',
    ]);
    // Every migration, the event store's too: their timestamps interleave with these.
    const executed = dataSource.migrations.length;
    for (let i = 0; i < executed; i += 1) await dataSource.undoLastMigration();
    expect(await accessTables()).toEqual([]);
    await dataSource.runMigrations();
    expect(await accessTables()).toHaveLength(6);
  });
});
