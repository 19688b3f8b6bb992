import { createTestDatabase } from '@custodia/testing';
import { randomBytes } from 'node:crypto';
import { type MigratedDatabase, migratedDatabase } from './crypto-shredding.fixtures';
import { rotateMasterKey } from './master-key-rotation';
import { PostgresKeyVault } from './postgres-key-vault';
import { SIGNING_KEY_PURPOSE, signingKeyFrom } from './signing-key';

describe(signingKeyFrom.name, () => {
  let db: MigratedDatabase;
  const oldMaster = randomBytes(32);
  const newMaster = randomBytes(32);

  beforeAll(async () => {
    db = await migratedDatabase(await createTestDatabase('signing-key'));
  });

  afterAll(() => db?.drop());

  it('is the same in every process, across restarts and after master key rotation', async () => {
    const [first, second] = await Promise.all([
      PostgresKeyVault.open({ url: db.url, masterKey: oldMaster }),
      PostgresKeyVault.open({ url: db.url, masterKey: oldMaster }),
    ]);
    const [a, b] = await Promise.all([signingKeyFrom(first), signingKeyFrom(second)]);
    await Promise.all([first.close(), second.close()]);
    expect(b.publicKeyPem).toBe(a.publicKeyPem);
    expect(b.keyId).toBe(a.keyId);
    const signature = a.sign(Buffer.from('tree head'));
    expect(b.verify(Buffer.from('tree head'), signature)).toBe(true);

    // Its data key is wrapped like any other: one row, under the master key, no seed stored.
    const { rows } = await db.pool.query<{ wrapped_key: Buffer }>(
      'SELECT wrapped_key FROM crypto_data_keys WHERE subject_id = $1',
      [SIGNING_KEY_PURPOSE],
    );
    expect(rows).toHaveLength(1);

    const restarted = await PostgresKeyVault.open({ url: db.url, masterKey: oldMaster });
    expect((await signingKeyFrom(restarted)).keyId).toBe(a.keyId);
    await restarted.close();

    await rotateMasterKey({ pool: db.pool, current: oldMaster, next: newMaster });
    const rotated = await PostgresKeyVault.open({ url: db.url, masterKey: newMaster });
    try {
      const afterRotation = await signingKeyFrom(rotated);
      expect(afterRotation.publicKeyPem).toBe(a.publicKeyPem);
      expect(afterRotation.verify(Buffer.from('tree head'), signature)).toBe(true);
    } finally {
      await rotated.close();
    }
  });
});
