import { randomBytes, randomUUID } from 'node:crypto';
import {
  cryptoShreddingMigrations,
  EncryptingEventStore,
  isErased,
  PersonalDataRegistry,
  PostgresKeyVault,
} from '@custodia/crypto-shredding';
import { eventStoreMigrations, PostgresEventStore } from '@custodia/event-store';
import { createTestDatabase, type TestDatabase } from '@custodia/testing';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { reconcileErasedKeys } from './reconcile-keys';

const MASTER = randomBytes(32);
const registry = new PersonalDataRegistry().register('CustomerRegistered', {
  subject: 'customerId',
  fields: ['name', 'phone'],
});

const eventually = async (check: () => Promise<void>, timeoutMs = 5_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
};

describe(reconcileErasedKeys.name, () => {
  let db: TestDatabase;
  let pool: Pool;
  const stores: EncryptingEventStore[] = [];

  /** A process's store and vault: its own pools, LISTEN connection and key cache. */
  const open = async (): Promise<EncryptingEventStore> => {
    const vault = await PostgresKeyVault.open({ url: db.url, masterKey: MASTER });
    const store = new EncryptingEventStore(new PostgresEventStore({ url: db.url }), {
      vault,
      registry,
      ownsVault: true,
    });
    stores.push(store);
    return store;
  };

  const register = (store: EncryptingEventStore, customerId: string) =>
    store.append(`Customer-${customerId}`, [
      {
        type: 'CustomerRegistered',
        data: { customerId, name: `甄${customerId.slice(0, 4)}`, phone: '13912345678' },
      },
    ]);

  /** What the privacy executor does: destroy the key, then record the erasure in the stream. */
  const erase = async (store: EncryptingEventStore, customerId: string) => {
    const { keyId, erasedAt } = await store.keyVault.destroyKey(customerId);
    await store.append(
      `Customer-${customerId}`,
      [
        {
          type: 'CustomerErased',
          data: {
            customerId,
            requestId: randomUUID(),
            ...(keyId === undefined ? {} : { keyId }),
            erasedAt: erasedAt.toISOString(),
            actorId: 'dpo',
          },
        },
      ],
      { expectedRevision: 0 },
    );
  };

  const keyRows = async (subjectIds: string[]): Promise<string[]> =>
    (
      await pool.query<{ subject_id: string }>(
        `SELECT subject_id FROM crypto_data_keys WHERE subject_id = ANY($1) ORDER BY subject_id`,
        [subjectIds],
      )
    ).rows.map((row) => row.subject_id);

  const nameOf = async (store: EncryptingEventStore, customerId: string): Promise<unknown> => {
    const [registered] = await store.readStream(`Customer-${customerId}`, { maxCount: 1 });
    return registered.data.name;
  };

  beforeAll(async () => {
    db = await createTestDatabase('reconcile-keys');
    const dataSource = new DataSource({
      type: 'postgres',
      url: db.url,
      migrations: [...eventStoreMigrations, ...cryptoShreddingMigrations],
    });
    await dataSource.initialize();
    await dataSource.runMigrations();
    await dataSource.destroy();
    pool = new Pool({ connectionString: db.url, max: 2 });
  });

  afterAll(async () => {
    for (const store of stores) await store.close();
    await pool.end();
    await db.drop();
  });

  it('destroys every key a restored backup brought back, and only those; idempotent', async () => {
    const sut = await open();
    const [restoredFully, restoredKeyOnly, erasedOnly, kept] = [
      randomUUID(),
      randomUUID(),
      randomUUID(),
      randomUUID(),
    ];
    const all = [restoredFully, restoredKeyOnly, erasedOnly, kept];
    for (const customerId of all) await register(sut, customerId);
    await pool.query(`CREATE TABLE keys_backup AS SELECT * FROM crypto_data_keys`);
    // Some transaction open on the server while the process boots: every erasure below commits
    // behind it, so a gap-safe read of the log would not see them yet.
    const openTransaction = await pool.connect();
    await openTransaction.query(`BEGIN; SELECT pg_current_xact_id()`);
    for (const customerId of [restoredFully, restoredKeyOnly, erasedOnly]) {
      await erase(sut, customerId);
    }
    expect(await keyRows(all)).toEqual([kept]);

    // The restore: every key of the backup back; one erasure record lost with it.
    await pool.query(
      `INSERT INTO crypto_data_keys SELECT * FROM keys_backup
        WHERE subject_id = ANY($1) ON CONFLICT DO NOTHING`,
      [[restoredFully, restoredKeyOnly]],
    );
    await pool.query(`DELETE FROM crypto_erased_subjects WHERE subject_id = $1`, [restoredFully]);
    // Another process starting now would decrypt the restored customer again: the threat.
    const restarted = await open();
    expect(await nameOf(restarted, restoredFully)).toBe(`甄${restoredFully.slice(0, 4)}`);

    const progress: [number, number][] = [];
    const result = await reconcileErasedKeys({
      store: sut,
      vault: sut.keyVault,
      pageSize: 2, // three CustomerErased events: two pages and an empty one
      onProgress: (done, total) => progress.push([done, total]),
    });

    await openTransaction.query('ROLLBACK');
    openTransaction.release();

    expect(result).toEqual({ erasedCustomers: 3, keysDestroyed: 2, erasuresRecorded: 1 });
    expect(progress.at(-1)).toEqual([3, 3]);
    expect(await keyRows(all)).toEqual([kept]);
    const records = await pool.query<{ subject_id: string }>(
      `SELECT subject_id FROM crypto_erased_subjects WHERE subject_id = ANY($1)`,
      [all],
    );
    expect(records.rows.map((row) => row.subject_id).sort()).toEqual(
      [restoredFully, restoredKeyOnly, erasedOnly].sort(),
    );
    // Every process forgets the key (NOTIFY, asynchronous): both read the customer as erased.
    const fresh = await open();
    for (const store of [restarted, fresh]) {
      await eventually(async () => {
        expect(isErased(await nameOf(store, restoredFully))).toBe(true);
        expect(isErased(await nameOf(store, restoredKeyOnly))).toBe(true);
      });
      expect(await nameOf(store, kept)).toBe(`甄${kept.slice(0, 4)}`);
    }

    expect(await reconcileErasedKeys({ store: sut, vault: sut.keyVault })).toEqual({
      erasedCustomers: 3,
      keysDestroyed: 0,
      erasuresRecorded: 0,
    });
  });
});
