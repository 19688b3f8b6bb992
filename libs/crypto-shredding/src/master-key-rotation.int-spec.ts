import { createTestDatabase } from '@custodia/testing';
import { randomBytes, randomUUID } from 'node:crypto';
import { PostgresEventStore } from '@custodia/event-store';
import { type MigratedDatabase, migratedDatabase } from './crypto-shredding.fixtures';
import { EncryptingEventStore } from './encrypting-event-store';
import { masterKeyFrom, masterKeyId, unwrapDataKey } from './master-key';
import { rotateMasterKey } from './master-key-rotation';
import { PersonalDataRegistry } from './personal-data.registry';
import { PostgresKeyVault } from './postgres-key-vault';

const registry = new PersonalDataRegistry().register('ContactAdded', {
  subject: 'customerId',
  fields: ['phone'],
});

type StoredKey = { subject_id: string; key_id: string; wrap_iv: Buffer; wrapped_key: Buffer };

describe(rotateMasterKey.name, () => {
  let db: MigratedDatabase;
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);
  const customers = Array.from({ length: 25 }, () => randomUUID());

  const storeWith = async (masterKey: Buffer) => {
    const vault = await PostgresKeyVault.open({ url: db.url, masterKey });
    return new EncryptingEventStore(new PostgresEventStore({ url: db.url }), {
      vault,
      registry,
      ownsVault: true,
    });
  };
  const eventsTable = async () =>
    (await db.pool.query<Record<string, unknown>>('SELECT * FROM events ORDER BY global_position'))
      .rows;

  beforeAll(async () => {
    db = await migratedDatabase(await createTestDatabase('key-rotation'));
    const store = await storeWith(oldKey);
    await store.append(
      'contacts',
      customers.map((customerId, index) => ({
        type: 'ContactAdded',
        data: { customerId, phone: `1380000${String(index).padStart(4, '0')}` },
      })),
    );
    await store.keyVault.destroyKey(customers[0]);
    await store.close();
  });

  afterAll(() => db?.drop());

  it('re-wraps every key in one go without touching an event; only the new key opens them', async () => {
    const before = await eventsTable();
    const keysBefore = (await db.pool.query<StoredKey>('SELECT * FROM crypto_data_keys')).rows;
    const stillRunning = await PostgresKeyVault.open({ url: db.url, masterKey: oldKey });
    const progress: [number, number][] = [];

    const result = await rotateMasterKey({
      pool: db.pool,
      current: oldKey,
      next: newKey,
      batchSize: 10,
      onProgress: (done, total) => progress.push([done, total]),
    });

    expect(result).toEqual({ from: masterKeyId(oldKey), to: masterKeyId(newKey), rewrapped: 24 });
    expect(progress).toEqual([
      [0, 24],
      [10, 24],
      [20, 24],
      [24, 24],
    ]);
    expect(await eventsTable()).toEqual(before);
    const keysAfter = (
      await db.pool.query<StoredKey & { kek_id: string }>('SELECT * FROM crypto_data_keys')
    ).rows;
    expect(new Set(keysAfter.map((row) => row.kek_id))).toEqual(new Set([masterKeyId(newKey)]));
    expect(keysAfter.map((row) => row.key_id).sort()).toEqual(
      keysBefore.map((row) => row.key_id).sort(),
    );

    // The old master key opens no stored key any more, and no process can start with it.
    for (const row of keysAfter) {
      const stored = {
        subjectId: row.subject_id,
        keyId: row.key_id,
        iv: row.wrap_iv,
        wrapped: row.wrapped_key,
      };
      expect(() => unwrapDataKey(masterKeyFrom(oldKey), stored)).toThrow();
      expect(unwrapDataKey(masterKeyFrom(newKey), stored).id).toBe(row.key_id);
    }
    await expect(PostgresKeyVault.open({ url: db.url, masterKey: oldKey })).rejects.toMatchObject({
      code: 'CRYPTO.MASTER_KEY_MISMATCH',
    });
    // A process still running with the old key cannot add keys nobody could open.
    await expect(stillRunning.keysForEncryption([randomUUID()])).rejects.toMatchObject({
      code: 'CRYPTO.MASTER_KEY_MISMATCH',
    });
    await stillRunning.close();

    // Everything reads as before with the new key, the erased customer still erased.
    const store = await storeWith(newKey);
    try {
      // A stream read: readAll may hold events back behind other suites' open transactions.
      const events = await store.readStream('contacts');
      expect(events[0].data.phone).toEqual({ $erased: true });
      expect(events.slice(1).map((event) => event.data.phone)).toEqual(
        customers.slice(1).map((_, index) => `1380000${String(index + 1).padStart(4, '0')}`),
      );
    } finally {
      await store.close();
    }
  });

  it('refuses to run again, or with a current key that is not the stored one', async () => {
    await expect(rotateMasterKey({ pool: db.pool, current: oldKey, next: newKey })).rejects.toThrow(
      /already wrapped by/,
    );
    await expect(
      rotateMasterKey({ pool: db.pool, current: randomBytes(32), next: randomBytes(32) }),
    ).rejects.toMatchObject({ code: 'CRYPTO.MASTER_KEY_MISMATCH' });
    await expect(
      rotateMasterKey({ pool: db.pool, current: newKey, next: newKey }),
    ).rejects.toMatchObject({ code: 'CRYPTO.INVALID_MASTER_KEY' });
  });
});
