import { randomUUID } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import request from 'supertest';
import { isErased, KEY_VAULT, type KeyVault } from '@custodia/crypto-shredding';
import { customerStreamId } from '@custodia/customers';
import { EVENT_STORE, type EventStore } from '@custodia/event-store';
import { KEY_RECONCILIATION, type StartupReconciliation } from '@custodia/runtime';
import { aMobile, createTestDatabase, type TestDatabase } from '@custodia/testing';
import { ReconcileKeysCommand } from '../apps/cli/src/commands/reconcile-keys.command';
import { tokenFor } from './support/identity-tokens';
import { registerUsers, ROLE_USERS } from './support/identity-users';
import { createTestApp } from './support/test-app';
import { eventually } from './support/eventually';

const ADMIN = 'root';
const FOLLOWUP = { purpose: 'sales_followup', noticeVersion: 'general-2025-06', channel: 'web' };

describe('backup safety: a restored key table does not bring an erased customer back', () => {
  let db: TestDatabase;
  let sut: NestExpressApplication;
  let sql: Client;
  let tokens: Record<keyof typeof ROLE_USERS, string>;
  let erasedId: string;
  let keptId: string;
  const keptPhone = aMobile(55_443_322);

  const http = () => request(sut.getHttpServer());
  const get = (path: string) =>
    http().get(path).auth(tokens.sales, { type: 'bearer' }).set('X-Purpose', 'sales_followup');
  const reveal = (customerId: string) =>
    http()
      .post(`/v1/customers/${customerId}/reveal`)
      .auth(tokens.sales, { type: 'bearer' })
      .send({ fields: ['name', 'phone'], purpose: 'sales_followup', reason: 'restore check' });
  const keyRows = async (customerId: string): Promise<number> =>
    (await sql.query(`SELECT 1 FROM crypto_data_keys WHERE subject_id = $1`, [customerId]))
      .rowCount ?? 0;
  const register = async (name: string, phone: string): Promise<string> => {
    const res = await http()
      .post('/v1/customers')
      .auth(tokens.sales, { type: 'bearer' })
      .send({ name, phone, consents: [FOLLOWUP] })
      .expect(201);
    return (res.body as { id: string }).id;
  };

  beforeAll(async () => {
    db = await createTestDatabase('erasure-backup-restore');
    sql = new Client({ connectionString: db.url });
    await sql.connect();
    sut = await createTestApp({ databaseUrl: db.url, env: { BOOTSTRAP_ADMIN_ID: ADMIN } });
    tokens = await registerUsers(sut, await tokenFor(ADMIN), ROLE_USERS);
    erasedId = await register('还原测试', aMobile(11_223_344));
    keptId = await register('保留客户', keptPhone);
    await eventually(() => get(`/v1/customers/${erasedId}`).expect(200));

    // The backup, taken while the customer still had a key.
    await sql.query(`CREATE TABLE backup_crypto_data_keys AS SELECT * FROM crypto_data_keys`);

    // The erasure, as the privacy executor does it.
    const destruction = await sut.get<KeyVault>(KEY_VAULT).destroyKey(erasedId);
    const store = sut.get<EventStore>(EVENT_STORE);
    const stream = customerStreamId(erasedId);
    const [last] = await store.readStream(stream, { direction: 'backwards', maxCount: 1 });
    await store.append(
      stream,
      [
        {
          type: 'CustomerErased',
          data: {
            customerId: erasedId,
            requestId: randomUUID(),
            ...(destruction.keyId === undefined ? {} : { keyId: destruction.keyId }),
            erasedAt: destruction.erasedAt.toISOString(),
            actorId: ROLE_USERS.dpo.id,
          },
          metadata: { actorId: ROLE_USERS.dpo.id },
        },
      ],
      { expectedRevision: last.revision },
    );
    await eventually(() => get(`/v1/customers/${erasedId}`).expect(410));
    await sut.close();

    // The restore of both key tables from the backup, while the application is down.
    await sql.query(
      `INSERT INTO crypto_data_keys SELECT * FROM backup_crypto_data_keys ON CONFLICT DO NOTHING`,
    );
    await sql.query(`DELETE FROM crypto_erased_subjects WHERE subject_id = $1`, [erasedId]);
    expect(await keyRows(erasedId)).toBe(1);

    sut = await createTestApp({ databaseUrl: db.url, env: { BOOTSTRAP_ADMIN_ID: ADMIN } });
  }, 90_000);

  afterAll(async () => {
    await sut?.close();
    await sql?.end();
    await db?.drop();
  });

  it('destroyed the restored key again at start-up, before serving', async () => {
    expect(await keyRows(erasedId)).toBe(0);
    expect(await keyRows(keptId)).toBe(1);
    const erasure = await sql.query(`SELECT 1 FROM crypto_erased_subjects WHERE subject_id = $1`, [
      erasedId,
    ]);
    expect(erasure.rowCount).toBe(1);
    expect(sut.get<StartupReconciliation>(KEY_RECONCILIATION).result).toEqual({
      erasedCustomers: 1,
      keysDestroyed: 1,
      erasuresRecorded: 1,
    });
  });

  it('reads the customer as erased: every sealed field, GET and reveal', async () => {
    const events = await sut.get<EventStore>(EVENT_STORE).readStream(customerStreamId(erasedId));
    const registered = events.find((event) => event.type === 'CustomerRegistered');
    expect(isErased(registered?.data.name)).toBe(true);
    expect(isErased(registered?.data.phone)).toBe(true);
    await get(`/v1/customers/${erasedId}`).expect(410);
    const refused = await reveal(erasedId).expect(410);
    expect(refused.body).toMatchObject({ code: 'CUSTOMER.ERASED' });
  });

  it('leaves the other customer readable', async () => {
    const res = await reveal(keptId).expect(200);
    expect(res.body).toMatchObject({ fields: { phone: keptPhone } });
  });

  it('reconcile-keys (the CLI command) finds nothing more to destroy and says so', async () => {
    const printed: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      printed.push(String(chunk));
      return true;
    });
    try {
      const command = new ReconcileKeysCommand(
        sut.get<EventStore>(EVENT_STORE),
        sut.get<KeyVault>(KEY_VAULT),
        sut.get<StartupReconciliation>(KEY_RECONCILIATION),
      );
      await command.run();
    } finally {
      write.mockRestore();
    }
    const line = printed.find((text) => text.startsWith('Reconciled'));
    expect(line).toBe(
      'Reconciled 1 erased customers: destroyed 1 data keys (1 of them at start-up), ' +
        '1 erasure records written again.\n',
    );
    expect(printed.join('')).not.toContain(erasedId);
    expect(await keyRows(erasedId)).toBe(0);
  });
});
