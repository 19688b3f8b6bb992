import { randomBytes, randomUUID } from 'node:crypto';
import {
  cryptoShreddingMigrations,
  EncryptingEventStore,
  PersonalDataRegistry,
  PostgresKeyVault,
} from '@custodia/crypto-shredding';
import {
  eventStoreMigrations,
  InMemoryEventStore,
  PostgresEventStore,
} from '@custodia/event-store';
import { createTestDatabase, type TestDatabase } from '@custodia/testing';
import { DataSource } from 'typeorm';
import { countForProgress } from './projection-count';

const registry = new PersonalDataRegistry().register('CustomerRegistered', {
  subject: 'customerId',
  fields: ['name'],
});

const events = (customerId: string) => [
  { type: 'CustomerRegistered', data: { customerId, name: '甄嬛' } },
  { type: 'FollowUpLogged', data: { customerId } },
  { type: 'FollowUpLogged', data: { customerId } },
];

describe(countForProgress.name, () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let store: EncryptingEventStore;

  beforeAll(async () => {
    db = await createTestDatabase('projection-count');
    dataSource = new DataSource({
      type: 'postgres',
      url: db.url,
      migrations: [...eventStoreMigrations, ...cryptoShreddingMigrations],
    });
    await dataSource.initialize();
    await dataSource.runMigrations();
    const vault = await PostgresKeyVault.open({ url: db.url, masterKey: randomBytes(32) });
    store = new EncryptingEventStore(new PostgresEventStore({ url: db.url }), {
      vault,
      registry,
      ownsVault: true,
    });
    for (let n = 0; n < 3; n += 1) {
      const customerId = randomUUID();
      await store.append(`Customer-${customerId}`, events(customerId));
    }
  });

  afterAll(async () => {
    await store.close();
    await dataSource.destroy();
    await db.drop();
  });

  it('counts the PostgreSQL log in SQL, by event type or whole', async () => {
    const count = countForProgress(dataSource, store);
    expect(await count({ eventTypes: ['FollowUpLogged'] })).toBe(6);
    expect(await count({ eventTypes: ['FollowUpLogged', 'CustomerRegistered'] })).toBe(9);
    expect(await count(undefined)).toBe(9);
    expect(await count({ eventTypes: ['NoSuchEvent'] })).toBe(0);
  });

  it('counts another store by reading it', async () => {
    const memory = new InMemoryEventStore();
    const customerId = randomUUID();
    await memory.append(`Customer-${customerId}`, events(customerId));
    const count = countForProgress(dataSource, memory);
    expect(await count({ eventTypes: ['FollowUpLogged'] })).toBe(2);
    expect(await count(undefined)).toBe(3);
  });
});
