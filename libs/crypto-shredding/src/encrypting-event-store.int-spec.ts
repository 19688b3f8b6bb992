import { createTestDatabase } from '@custodia/testing';
import { randomBytes, randomUUID } from 'node:crypto';
import { PostgresEventStore, type RecordedEvent } from '@custodia/event-store';
import { Pool } from 'pg';
import { eventually, type MigratedDatabase, migratedDatabase } from './crypto-shredding.fixtures';
import { EncryptingEventStore } from './encrypting-event-store';
import { ERASED } from './envelope';
import { LOAD_KEYS } from './key-vault.sql';
import { PersonalDataRegistry } from './personal-data.registry';
import { PostgresKeyVault, type PostgresKeyVaultOptions } from './postgres-key-vault';

const MASTER = randomBytes(32);

const registry = new PersonalDataRegistry()
  .register('CustomerRegistered', { subject: 'customerId', fields: ['name', 'phone', 'idNumber'] })
  .register('FollowUpLogged', { subject: 'customerId', fields: ['summary'] });

/** Unique values that must never appear in the events table. */
const canaries = () => {
  const tag = randomBytes(4).toString('hex');
  return {
    name: `李雷${tag}`,
    phone: `139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`,
    idNumber: `11010519491231002${tag.slice(0, 1)}`,
    summary: `客户要求下周三上门演示 ${tag}`,
  };
};

/** The first `count` events of streams starting with `prefix`, through a subscription. */
const subscribe = async (
  store: EncryptingEventStore,
  prefix: string,
  count: number,
): Promise<RecordedEvent[]> => {
  const subscription = store.subscribeToAll({ filter: { streamPrefixes: [prefix] } });
  const seen: RecordedEvent[] = [];
  for await (const event of subscription) {
    seen.push(event);
    if (seen.length === count) break;
  }
  return seen;
};

describe(`${EncryptingEventStore.name} on PostgreSQL`, () => {
  let db: MigratedDatabase;
  let sut: EncryptingEventStore;
  /** A second process: its own event store pool, vault pool, LISTEN connection and cache. */
  let other: EncryptingEventStore;

  const open = async (options: Partial<PostgresKeyVaultOptions> = {}) => {
    const vault = await PostgresKeyVault.open({ url: db.url, masterKey: MASTER, ...options });
    const inner = new PostgresEventStore({ url: db.url, pollIntervalMs: 50 });
    return new EncryptingEventStore(inner, { vault, registry, ownsVault: true });
  };

  beforeAll(async () => {
    db = await migratedDatabase(await createTestDatabase('encrypting-store'));
    sut = await open();
    other = await open();
  });

  afterAll(async () => {
    await sut?.close();
    await other?.close();
    await db?.drop();
  });

  it('writes no plaintext of a personal field to the events table, and reads it all back', async () => {
    const customerId = randomUUID();
    const values = canaries();
    const stream = `customer-${customerId}`;
    await sut.append(stream, [
      {
        type: 'CustomerRegistered',
        data: { customerId, name: values.name, phone: values.phone, idNumber: values.idNumber },
      },
      { type: 'FollowUpLogged', data: { customerId, summary: values.summary, channel: 'call' } },
    ]);

    const { rows } = await db.pool.query<{ row: string }>(
      'SELECT data::text || metadata::text AS row FROM events WHERE stream_id = $1',
      [stream],
    );
    const dump = rows.map((row) => row.row).join('\n');
    for (const value of Object.values(values)) expect(dump).not.toContain(value);
    expect(dump).toContain('"$enc": 1');
    expect(dump).toContain(customerId); // the subject stays readable
    expect(dump).toContain('"channel": "call"');

    // readAll waits for older transactions anywhere on the server (gap-safe order): retry.
    await eventually(async () => {
      for (const read of [
        await sut.readStream(stream),
        await other.readStream(stream),
        (await other.readAll()).filter((event) => event.streamId === stream),
      ]) {
        expect(read.map((event) => event.data)).toEqual([
          { customerId, name: values.name, phone: values.phone, idNumber: values.idNumber },
          { customerId, summary: values.summary, channel: 'call' },
        ]);
      }
    });
  });

  it('reads an erased customer as ERASED on every read path, in both processes', async () => {
    const customerId = randomUUID();
    const kept = randomUUID();
    const values = canaries();
    const stream = `erasure-${customerId}`;
    await sut.append(stream, [
      { type: 'FollowUpLogged', data: { customerId, summary: values.summary } },
      { type: 'FollowUpLogged', data: { customerId: kept, summary: '保留' } },
    ]);
    // Both processes hold the key in their caches.
    expect((await other.readStream(stream))[0].data.summary).toBe(values.summary);
    expect((await sut.readStream(stream))[0].data.summary).toBe(values.summary);

    await sut.keyVault.destroyKey(customerId);

    await eventually(async () => {
      for (const store of [sut, other]) {
        const fromStream = await store.readStream(stream);
        const fromAll = (await store.readAll()).filter((event) => event.streamId === stream);
        const fromSubscription = await subscribe(store, stream, 2);
        for (const read of [fromStream, fromAll, fromSubscription]) {
          expect(read.map((event) => event.data)).toEqual([
            { customerId, summary: ERASED },
            { customerId: kept, summary: '保留' },
          ]);
        }
      }
    });
    for (const store of [sut, other]) {
      await expect(
        store.append(stream, [{ type: 'FollowUpLogged', data: { customerId, summary: 'again' } }]),
      ).rejects.toMatchObject({ code: 'CRYPTO.SUBJECT_ERASED' });
    }
  });

  it('refuses an envelope copied to another customer or another event', async () => {
    const [alice, bob] = [randomUUID(), randomUUID()];
    const raw = new PostgresEventStore({ url: db.url });
    try {
      await sut.append('copy-source', [
        { type: 'FollowUpLogged', data: { customerId: alice, summary: '机密' } },
      ]);
      await sut.append('copy-bob', [
        { type: 'FollowUpLogged', data: { customerId: bob, summary: '鲍勃' } },
      ]);
      const [sealed] = await raw.readStream('copy-source');
      // Written around the encrypting store, as an attacker with table access would.
      await raw.append('copy-to-bob', [
        { type: 'FollowUpLogged', data: { customerId: bob, summary: sealed.data.summary } },
      ]);
      await raw.append('copy-to-event', [
        { type: 'FollowUpLogged', data: { customerId: alice, summary: sealed.data.summary } },
      ]);
      for (const stream of ['copy-to-bob', 'copy-to-event']) {
        await expect(other.readStream(stream)).rejects.toMatchObject({ code: 'CRYPTO.TAMPERED' });
        await expect(other.readStream(stream)).rejects.not.toThrow(/机密/);
      }
    } finally {
      await raw.close();
    }
  });

  it('opens a 500-event page of 500 customers with one key query', async () => {
    const customers = Array.from({ length: 500 }, () => randomUUID());
    const { position } = await sut.append(
      'page',
      customers.map((customerId, index) => ({
        type: 'FollowUpLogged',
        data: { customerId, summary: `第${index}条` },
      })),
    );
    const pool = new Pool({ connectionString: db.url, max: 2 });
    const cold = await open({ pool, cacheSize: 1 }); // cold cache: every subject is a miss
    const spy = jest.spyOn(pool, 'query');
    const loads = () =>
      spy.mock.calls.filter((call) => (call as unknown[])[0] === LOAD_KEYS).length;
    try {
      await eventually(async () => expect(await cold.headPosition()).toBe(position));
      const page = await cold.readAll({ maxCount: 500, filter: { streamPrefixes: ['page'] } });
      expect(page.map((event) => event.data.summary)).toEqual(customers.map((_, i) => `第${i}条`));
      expect(loads()).toBe(1);

      const subscribed = await subscribe(cold, 'page', 500);
      expect(subscribed.map((event) => event.data.summary)).toEqual(
        customers.map((_, i) => `第${i}条`),
      );
      expect(loads()).toBeLessThanOrEqual(1 + 2); // the first event alone, then the rest of the page
    } finally {
      await cold.close();
      await pool.end();
    }
  });
});
