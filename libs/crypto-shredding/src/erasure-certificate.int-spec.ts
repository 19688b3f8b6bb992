import { createTestDatabase } from '@custodia/testing';
import { randomBytes, randomUUID } from 'node:crypto';
import { type MigratedDatabase, migratedDatabase } from './crypto-shredding.fixtures';
import {
  buildErasureCertificate,
  signErasureCertificate,
  verifyErasureCertificate,
} from './erasure-certificate';
import type { DataKey } from './master-key';
import { PostgresKeyVault } from './postgres-key-vault';
import { signingKeyFrom } from './signing-key';

type StoredKey = {
  subject_id: string;
  key_id: string;
  kek_id: string;
  wrap_iv: Buffer;
  wrapped_key: Buffer;
};

describe(PostgresKeyVault.prototype.keyAbsenceEvidence.name, () => {
  let db: MigratedDatabase;
  let sut: PostgresKeyVault;
  let now = new Date('2026-11-30T09:00:00.000Z');

  beforeAll(async () => {
    db = await migratedDatabase(await createTestDatabase('key-absence'));
    sut = await PostgresKeyVault.open({
      url: db.url,
      masterKey: randomBytes(32),
      clock: { now: () => now },
    });
  });

  afterAll(async () => {
    await sut?.close();
    await db?.drop();
  });

  it('refuses a subject that was never erased, with or without a key', async () => {
    const customerId = randomUUID();
    await expect(sut.keyAbsenceEvidence(customerId)).rejects.toMatchObject({
      code: 'CRYPTO.KEY_NOT_DESTROYED',
    });
    await sut.keysForEncryption([customerId]);
    await expect(sut.keyAbsenceEvidence(customerId)).rejects.toMatchObject({
      name: 'CryptoShreddingError',
      code: 'CRYPTO.KEY_NOT_DESTROYED',
    });
  });

  it('after destroyKey: no key row, the erasure time and key id, certified and verifiable', async () => {
    const customerId = randomUUID();
    const key = (await sut.keysForEncryption([customerId])).get(customerId) as DataKey;
    now = new Date('2026-11-30T09:00:00.123Z');
    await sut.destroyKey(customerId);
    now = new Date('2026-11-30T09:00:01.000Z');

    const evidence = await sut.keyAbsenceEvidence(customerId);

    expect(evidence).toEqual({
      subjectId: customerId,
      keyId: key.id,
      checkedAt: now,
      dataKeyRows: 0,
      erasureRecordedAt: new Date('2026-11-30T09:00:00.123Z'),
    });
    const signingKey = await signingKeyFrom(sut);
    const signed = signErasureCertificate(
      buildErasureCertificate({
        requestId: randomUUID(),
        customerId,
        keyId: evidence.keyId,
        erasedAt: evidence.erasureRecordedAt,
        actorId: 'dpo-1',
        logPosition: '42',
        keyAbsent: evidence,
        issuedAt: now,
      }),
      signingKey,
    );
    expect(verifyErasureCertificate(signed, signingKey.publicKeyPem)).toBe(true);
  });

  it('refuses as tampered when a restored backup put the key back after the erasure', async () => {
    const customerId = randomUUID();
    await sut.keysForEncryption([customerId]);
    const backup = (
      await db.pool.query<StoredKey>(
        'SELECT subject_id, key_id, kek_id, wrap_iv, wrapped_key FROM crypto_data_keys WHERE subject_id = $1',
        [customerId],
      )
    ).rows[0];
    await sut.destroyKey(customerId);
    await db.pool.query(
      'INSERT INTO crypto_data_keys (subject_id, key_id, kek_id, wrap_iv, wrapped_key) VALUES ($1, $2, $3, $4, $5)',
      [backup.subject_id, backup.key_id, backup.kek_id, backup.wrap_iv, backup.wrapped_key],
    );
    await expect(sut.keyAbsenceEvidence(customerId)).rejects.toMatchObject({
      code: 'CRYPTO.KEY_NOT_DESTROYED',
    });
  });
});
