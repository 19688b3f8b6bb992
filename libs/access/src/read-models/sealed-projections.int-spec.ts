import { randomBytes, randomUUID } from 'node:crypto';
import {
  EncryptingEventStore,
  InMemoryKeyVault,
  PersonalDataRegistry,
} from '@custodia/crypto-shredding';
import { type NewEvent, PostgresEventStore, type RecordedEvent } from '@custodia/event-store';
import { customerStreamPersonalData } from '@custodia/follow-ups';
import { type Projection, ProjectionRunner } from '@custodia/read-store';
import { createTestDatabase, type TestDatabase } from '@custodia/testing';
import type { DataSource } from 'typeorm';
import {
  consentGranted,
  followUpLogged,
  openAccessDataSource,
  ownerChanged,
  recorded,
  registered,
} from './access-read-models.fixtures';
import { accessProjections } from './access.projections';
import { BlindIndex } from './blind-index';
import { customerConsentsProjection } from './customer-consents/customer-consents.projection';
import { customerStatisticsProjection } from './customer-statistics/customer-statistics.projection';
import { followUpTimelineProjection } from './follow-up-timeline/follow-up-timeline.projection';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

const asNew = ({ type, data }: RecordedEvent): NewEvent => ({ type, data });

const TABLES = [
  'access_follow_ups',
  'access_customer_statistics',
  'access_statistics_owners',
  'access_customer_consents',
];

describe('projections that read the log sealed', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let inner: PostgresEventStore;
  let vault: InMemoryKeyVault;
  let store: EncryptingEventStore;
  const erased = randomUUID();
  const kept = randomUUID();

  /** Every row of the tables the sealed projections write, in a stable order. */
  const snapshot = async (): Promise<Record<string, unknown[]>> => {
    const result: Record<string, unknown[]> = {};
    for (const table of TABLES) {
      result[table] = await dataSource.query(`SELECT * FROM ${table} t ORDER BY t::text`);
    }
    return result;
  };

  const rebuildAll = async (projections: readonly Projection[]): Promise<void> => {
    const runner = new ProjectionRunner({
      dataSource,
      eventStore: store,
      storedEventStore: store.stored,
      projections,
      logger: silent,
    });
    for (const { name } of projections) await runner.rebuild(name);
  };

  beforeAll(async () => {
    database = await createTestDatabase('access-sealed-projections');
    dataSource = await openAccessDataSource(database.url, { withEventStore: true });
    inner = await PostgresEventStore.connect(database.url);
    vault = new InMemoryKeyVault();
    const registry = new PersonalDataRegistry().registerAll(customerStreamPersonalData);
    store = new EncryptingEventStore(inner, { vault, registry });
    for (const customerId of [erased, kept]) {
      await store.append(
        `Customer-${customerId}`,
        [
          registered(customerId, { phone: '13812345678', company: '金地科技' }),
          consentGranted(customerId, 'sales_followup', '2026-01-02T00:00:00.000Z'),
          followUpLogged(customerId, { occurredAt: '2026-06-01T08:00:00.000Z', nextStep: '报价' }),
          ownerChanged(customerId, 'rep-2', 'west'),
          followUpLogged(customerId, { occurredAt: '2026-06-02T08:00:00.000Z' }),
        ].map(asNew),
      );
    }
    // The erasure's order: the event first, then the key.
    await store.append(`Customer-${erased}`, [
      asNew(recorded('CustomerErased', { customerId: erased })),
    ]);
    await vault.destroyKey(erased);
  });

  afterAll(async () => {
    await store.close();
    await dataSource.destroy();
    await database.drop();
  });

  it('are the timeline, statistics and consents projections, and only those', () => {
    const sealed = accessProjections(new BlindIndex(randomBytes(32)))
      .filter((p) => p.readsSealed === true)
      .map((p) => p.name);
    expect(sealed.sort()).toEqual([
      'customer-consents',
      'customer-statistics',
      'follow-up-timeline',
    ]);
  });

  it('load no key and leave exactly the rows the opened events leave', async () => {
    const sealedProjections = [
      followUpTimelineProjection,
      customerStatisticsProjection,
      customerConsentsProjection,
    ];
    const opening = jest.spyOn(vault, 'keysForDecryption');

    await rebuildAll(sealedProjections);
    expect(opening).not.toHaveBeenCalled();
    const sealed = await snapshot();

    await rebuildAll(sealedProjections.map((p) => ({ ...p, readsSealed: false })));
    expect(opening).toHaveBeenCalled(); // the same projections, fed opened events
    expect(await snapshot()).toEqual(sealed);

    const notes = (
      sealed.access_follow_ups as {
        customer_id: string;
        has_summary: boolean;
        has_next_step: boolean;
      }[]
    ).map((row) => ({
      customer: row.customer_id === erased ? 'erased' : 'kept',
      summary: row.has_summary,
      nextStep: row.has_next_step,
    }));
    expect(notes).toEqual(
      expect.arrayContaining([
        { customer: 'kept', summary: true, nextStep: true },
        { customer: 'kept', summary: true, nextStep: false },
        { customer: 'erased', summary: false, nextStep: false },
        { customer: 'erased', summary: false, nextStep: false },
      ]),
    );
    expect(notes).toHaveLength(4);
    expect(sealed.access_customer_consents).toHaveLength(1); // the erased customer's went
    opening.mockRestore();
  });
});
