import { createTestDatabase } from '@custodia/testing';
import { randomBytes, randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { Registry } from 'prom-client';
import { eventually, type MigratedDatabase, migratedDatabase } from './crypto-shredding.fixtures';
import { ERASED, isErased } from './envelope';
import { type DataKey, masterKeyId } from './master-key';
import { PostgresKeyVault } from './postgres-key-vault';

const MASTER = randomBytes(32);

const counter = async (registry: Registry, name: string): Promise<number> =>
  (await registry.getSingleMetric(name)?.get())?.values[0]?.value ?? NaN;

describe(PostgresKeyVault.name, () => {
  let db: MigratedDatabase;
  let poolB: Pool;
  let sut: PostgresKeyVault;
  /** A second process: its own pool, connection and cache. */
  let other: PostgresKeyVault;

  beforeAll(async () => {
    db = await migratedDatabase(await createTestDatabase('key-vault'));
    poolB = new Pool({ connectionString: db.url, max: 4, application_name: 'vault-b' });
    sut = await PostgresKeyVault.open({ url: db.url, masterKey: MASTER });
    other = await PostgresKeyVault.open({ pool: poolB, masterKey: MASTER, reconnectMs: 300 });
  });

  afterAll(async () => {
    await sut?.close();
    await other?.close();
    await poolB?.end();
    await db?.drop();
  });

  const keyOf = async (vault: PostgresKeyVault, subjectId: string) =>
    (await vault.keysForDecryption([subjectId])).get(subjectId);

  it('creates exactly one key when processes race on first use', async () => {
    const subjectId = randomUUID();
    const keys = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        (index % 2 === 0 ? sut : other).keysForEncryption([subjectId]),
      ),
    );
    const ids = new Set(keys.map((map) => map.get(subjectId)?.id));
    expect(ids.size).toBe(1);
    const rows = await db.pool.query('SELECT 1 FROM crypto_data_keys WHERE subject_id = $1', [
      subjectId,
    ]);
    expect(rows.rowCount).toBe(1);
  });

  it('stores keys wrapped under the master key it names, never in the clear', async () => {
    const subjectId = randomUUID();
    const key = (await sut.keysForEncryption([subjectId])).get(subjectId) as DataKey;
    const { rows } = await db.pool.query<{ kek_id: string; wrapped_key: Buffer; key_id: string }>(
      'SELECT kek_id, wrapped_key, key_id::text FROM crypto_data_keys WHERE subject_id = $1',
      [subjectId],
    );
    expect(rows[0].kek_id).toBe(masterKeyId(MASTER));
    expect(rows[0].key_id).toBe(key.id);
    expect(rows[0].wrapped_key.includes(key.key.export())).toBe(false);
  });

  it('looks many subjects up in one batch, and refuses nothing it does not know', async () => {
    const subjects = Array.from({ length: 30 }, () => randomUUID());
    const created = await sut.keysForEncryption(subjects);
    const unknown = randomUUID();
    const found = await other.keysForDecryption([...subjects, unknown]);
    expect(found.size).toBe(30);
    for (const subjectId of subjects) {
      expect((found.get(subjectId) as DataKey).id).toBe(created.get(subjectId)?.id);
    }
    expect(found.has(unknown)).toBe(false);
  });

  it('destroyKey erases at once here and, through NOTIFY, in a process that cached the key', async () => {
    const subjectId = randomUUID();
    const key = (await sut.keysForEncryption([subjectId])).get(subjectId) as DataKey;
    expect((await keyOf(other, subjectId)) as DataKey).toMatchObject({ id: key.id }); // cached there

    const result = await sut.destroyKey(subjectId);
    expect(result).toMatchObject({ subjectId, keyId: key.id, alreadyErased: false });
    expect(await keyOf(sut, subjectId)).toBe(ERASED);
    await eventually(async () => expect(await keyOf(other, subjectId)).toBe(ERASED));

    const keys = await db.pool.query('SELECT 1 FROM crypto_data_keys WHERE subject_id = $1', [
      subjectId,
    ]);
    expect(keys.rowCount).toBe(0);
    const { rows } = await db.pool.query(
      'SELECT * FROM crypto_erased_subjects WHERE subject_id = $1',
      [subjectId],
    );
    expect(rows).toEqual([{ subject_id: subjectId, key_id: key.id, erased_at: result.erasedAt }]);
    expect(await sut.destroyKey(subjectId)).toMatchObject({
      alreadyErased: true,
      keyId: undefined,
    });
  });

  it('refuses to create a key for an erased subject, in every process (no resurrection)', async () => {
    const subjectId = randomUUID();
    await other.destroyKey(subjectId); // never had a key: the erasure still sticks
    const third = await PostgresKeyVault.open({ url: db.url, masterKey: MASTER });
    try {
      for (const vault of [sut, other, third]) {
        await expect(vault.keysForEncryption([subjectId])).rejects.toMatchObject({
          code: 'CRYPTO.SUBJECT_ERASED',
        });
        expect(isErased(await keyOf(vault, subjectId))).toBe(true);
      }
    } finally {
      await third.close();
    }
  });

  it('never leaves a key behind an erasure when creation and destruction race', async () => {
    const subjects = Array.from({ length: 25 }, () => randomUUID());
    await Promise.allSettled(
      subjects.flatMap((subjectId) => [
        other.keysForEncryption([subjectId]),
        sut.destroyKey(subjectId),
        sut.keysForEncryption([subjectId]),
      ]),
    );
    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS both FROM crypto_data_keys k
       JOIN crypto_erased_subjects e USING (subject_id) WHERE subject_id = ANY($1)`,
      [subjects],
    );
    expect(rows[0].both).toBe(0);
  });

  it('batches concurrent first uses, failing only the erased subject among them', async () => {
    const gone = randomUUID();
    await sut.destroyKey(gone);
    const fresh = Array.from({ length: 12 }, () => randomUUID());
    const results = await Promise.allSettled(
      [gone, ...fresh].map((subjectId) => sut.keysForEncryption([subjectId])),
    );
    expect(results[0]).toMatchObject({
      status: 'rejected',
      reason: { code: 'CRYPTO.SUBJECT_ERASED' },
    });
    for (const [index, subjectId] of fresh.entries()) {
      const result = results[index + 1];
      expect(result.status).toBe('fulfilled');
      if (result.status === 'fulfilled')
        expect(result.value.get(subjectId)?.subjectId).toBe(subjectId);
    }
    const { rows } = await db.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM crypto_data_keys WHERE subject_id = ANY($1)',
      [[gone, ...fresh]],
    );
    expect(rows[0].n).toBe(fresh.length);
  });

  it('defers the WAL flush of new keys only when asked, and only for that transaction', async () => {
    const client = await db.pool.connect();
    const create = (deferred: boolean) =>
      client.query(
        `SELECT * FROM crypto_create_data_keys($1::text[], $2::uuid[], $3, $4::bytea[], $5::bytea[], $6)`,
        [
          [randomUUID()],
          [randomUUID()],
          masterKeyId(MASTER),
          [randomBytes(12)],
          [randomBytes(48)],
          deferred,
        ],
      );
    const setting = async () =>
      (await client.query<{ synchronous_commit: string }>('SHOW synchronous_commit')).rows[0]
        .synchronous_commit;
    try {
      await client.query('SET synchronous_commit = on'); // the test server runs with it off
      await client.query('BEGIN');
      await create(false);
      expect(await setting()).toBe('on');
      await create(true);
      expect(await setting()).toBe('off');
      await client.query('COMMIT');
      expect(await setting()).toBe('on');
      await client.query('RESET synchronous_commit');
    } finally {
      client.release();
    }
  });

  it('treats its cache as stale while its LISTEN connection is down', async () => {
    const subjectId = randomUUID();
    await sut.keysForEncryption([subjectId]);
    expect(isErased(await keyOf(other, subjectId))).toBe(false); // cached in the other process
    await db.pool.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE application_name = 'vault-b' AND query LIKE 'LISTEN%'`,
    );
    await sut.destroyKey(subjectId); // the other process may not hear this one
    await eventually(async () => expect(await keyOf(other, subjectId)).toBe(ERASED));

    // Reconnected: later erasures reach it again.
    const next = randomUUID();
    await sut.keysForEncryption([next]);
    await eventually(async () => {
      const { rowCount } = await db.pool.query(
        `SELECT 1 FROM pg_stat_activity WHERE application_name = 'vault-b' AND query LIKE 'LISTEN%'`,
      );
      expect(rowCount).toBe(1);
    });
    expect(isErased(await keyOf(other, next))).toBe(false);
    await sut.destroyKey(next);
    await eventually(async () => expect(await keyOf(other, next)).toBe(ERASED));
  });

  it('refuses to start with a master key that does not wrap the stored keys', async () => {
    const wrong = randomBytes(32);
    const opening = PostgresKeyVault.open({ url: db.url, masterKey: wrong });
    await expect(opening).rejects.toMatchObject({ code: 'CRYPTO.MASTER_KEY_MISMATCH' });
    const message = await opening.catch((error: Error) => error.message);
    expect(message).toContain(masterKeyId(wrong));
    expect(message).toContain(masterKeyId(MASTER));
    expect(message).not.toContain(wrong.toString('base64'));
  });

  it('counts cache hits and misses', async () => {
    const registry = new Registry();
    const vault = await PostgresKeyVault.open({ url: db.url, masterKey: MASTER, registry });
    try {
      const subjects = [randomUUID(), randomUUID()];
      await vault.keysForEncryption(subjects); // two misses, then created and cached
      await vault.keysForDecryption(subjects); // two hits
      await vault.keysForDecryption([subjects[0]]); // one hit
      expect(await counter(registry, 'custodia_crypto_key_cache_misses_total')).toBe(2);
      expect(await counter(registry, 'custodia_crypto_key_cache_hits_total')).toBe(3);
    } finally {
      await vault.close();
    }
  });
});
