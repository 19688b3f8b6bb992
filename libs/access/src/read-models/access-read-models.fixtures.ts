/**
 * Test support for the access read models' integration suites only; product code never imports
 * it. Builds decrypted `RecordedEvent`s of a customer stream and applies them the way the runner
 * does: every projection that handles an event, inside one transaction.
 */
import { randomUUID } from 'node:crypto';
import { eventStoreMigrations, type Position, type RecordedEvent } from '@custodia/event-store';
import {
  createReadStoreDataSource,
  type Projection,
  readStoreEntities,
  readStoreMigrations,
} from '@custodia/read-store';
import type { DataSource } from 'typeorm';
import { accessMigrations } from './access.migrations';

/** The read store and the access tables; `withEventStore` adds the PostgreSQL log's tables. */
export const openAccessDataSource = async (
  url: string,
  { withEventStore = false } = {},
): Promise<DataSource> => {
  const dataSource = createReadStoreDataSource({
    url,
    applicationName: 'custodia-access-test',
    entities: [...readStoreEntities],
    migrations: [
      ...(withEventStore ? eventStoreMigrations : []),
      ...readStoreMigrations,
      ...accessMigrations,
    ],
  });
  await dataSource.initialize();
  await dataSource.runMigrations();
  return dataSource;
};

export const applyEvents = (
  dataSource: DataSource,
  projections: readonly Projection[],
  events: readonly RecordedEvent[],
): Promise<void> =>
  dataSource.transaction(async (manager) => {
    for (const event of events) {
      for (const projection of projections) {
        if (projection.handles === 'all' || projection.handles.includes(event.type)) {
          await projection.apply(event, manager);
        }
      }
    }
  });

let sequence = 0;

export const recorded = (
  type: string,
  data: Record<string, unknown> & { customerId: string },
  recordedAt = new Date('2026-06-01T08:00:00.000Z'),
): RecordedEvent => {
  sequence += 1;
  return {
    id: randomUUID(),
    streamId: `Customer-${data.customerId}`,
    type,
    revision: sequence,
    position: String(sequence) as Position,
    data,
    metadata: {},
    recordedAt,
  };
};

export const registered = (
  customerId: string,
  fields: Record<string, unknown> = {},
): RecordedEvent =>
  recorded('CustomerRegistered', {
    customerId,
    ownerId: 'rep-1',
    team: 'east',
    registeredAt: '2026-01-02T03:04:05.000Z',
    actorId: 'rep-1',
    name: '张伟',
    phone: '13900001111',
    ...fields,
  });

export const profileUpdated = (
  customerId: string,
  fields: Record<string, unknown>,
  removed: readonly string[] = [],
): RecordedEvent =>
  recorded('CustomerProfileUpdated', {
    customerId,
    removed,
    updatedAt: '2026-02-01T00:00:00.000Z',
    actorId: 'rep-1',
    ...fields,
  });

export const ownerChanged = (customerId: string, ownerId: string, team: string): RecordedEvent =>
  recorded('CustomerOwnerChanged', {
    customerId,
    previousOwnerId: 'rep-1',
    ownerId,
    previousTeam: 'east',
    team,
    changedAt: '2026-03-01T00:00:00.000Z',
    actorId: 'manager-1',
  });

export const consentGranted = (
  customerId: string,
  purpose: string,
  grantedAt: string,
  separate = false,
): RecordedEvent =>
  recorded('ConsentGranted', {
    customerId,
    purpose,
    noticeVersion: 'v3',
    noticeSha256: 'a'.repeat(64),
    noticeLanguage: 'zh-CN',
    channel: 'web',
    separate,
    grantedAt,
    actorId: 'rep-1',
  });

export const consentWithdrawn = (
  customerId: string,
  purpose: string,
  withdrawnAt: string,
): RecordedEvent =>
  recorded('ConsentWithdrawn', {
    customerId,
    purpose,
    channel: 'phone',
    withdrawnAt,
    actorId: 'rep-1',
  });

export const basisRecorded = (
  customerId: string,
  purpose: string,
  lawfulBasis: string,
  recordedAt: string,
): RecordedEvent =>
  recorded('LawfulBasisRecorded', {
    customerId,
    purpose,
    lawfulBasis,
    noticeVersion: 'v1',
    noticeSha256: 'b'.repeat(64),
    noticeLanguage: 'zh-CN',
    recordedAt,
    actorId: 'dpo-1',
  });

export const basisEnded = (customerId: string, purpose: string, endedAt: string): RecordedEvent =>
  recorded('LawfulBasisEnded', { customerId, purpose, endedAt, actorId: 'dpo-1' });

export const followUpLogged = (
  customerId: string,
  fields: Record<string, unknown> & { occurredAt: string },
): RecordedEvent =>
  recorded('FollowUpLogged', {
    customerId,
    followUpId: randomUUID(),
    purpose: 'sales_followup',
    channel: 'call',
    recordedAt: fields.occurredAt,
    summary: '客户希望下周看报价。',
    actorId: 'rep-1',
    ...fields,
  });

/** Every row of every table in the public schema, as text (bytea as hex). */
export const databaseText = async (dataSource: DataSource): Promise<string> => {
  const tables: { table_name: string }[] = await dataSource.query(
    `SELECT table_name FROM information_schema.tables
      WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
  );
  const texts: string[] = [];
  for (const { table_name: table } of tables) {
    const rows: { text: string | null }[] = await dataSource.query(
      `SELECT string_agg(t::text, E'\\n') AS text FROM "${table}" t`,
    );
    texts.push(`${table}: ${rows[0]?.text ?? ''}`);
  }
  return texts.join('\n');
};
