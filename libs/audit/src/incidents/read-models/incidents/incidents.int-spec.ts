import { randomUUID } from 'node:crypto';
import type { Position, RecordedEvent } from '@custodia/event-store';
import {
  createReadStoreDataSource,
  readStoreEntities,
  readStoreMigrations,
} from '@custodia/read-store';
import { createTestDatabase, type TestDatabase } from '@custodia/testing';
import type { DataSource } from 'typeorm';
import { notificationDeadlines } from '../../incident.decider';
import type { IncidentError } from '../../incident.errors';
import type { IncidentEvent, IncidentScope } from '../../incident.events';
import { incidentMigrations } from '../../incident.migrations';
import { incidentsProjection } from './incidents.projection';
import { listIncidents } from './incidents.query';

const DESCRIPTION = 'CANARY-DESCRIPTION the laptop of a rep was stolen';
const C1 = randomUUID();

const scope = (actorId: string): IncidentScope => ({
  window: { from: '2026-06-01T00:00:00.000Z', to: '2026-06-02T00:00:00.000Z' },
  suspectedActorId: actorId,
  computedAt: '2026-06-02T00:00:00.000Z',
  complete: true,
  customerCount: 1,
  customers: [{ customerId: C1, clear: ['phone'], masked: ['name'], actorIds: [actorId] }],
  customersTruncated: false,
  fields: [
    {
      field: 'name',
      clear: { customers: 0, records: 0 },
      masked: { customers: 1, records: 1 },
      exports: 0,
    },
  ],
  actors: [
    { actorId, views: 1, reveals: 1, exports: 0, exportedRows: 0, denials: 0, customers: 1 },
  ],
  exports: [],
});

const opened = (incidentId: string, openedAt: string): IncidentEvent => ({
  type: 'IncidentOpened',
  data: {
    incidentId,
    description: DESCRIPTION,
    window: { from: '2026-06-01T00:00:00.000Z', to: '2026-06-02T00:00:00.000Z' },
    suspectedActorId: 'rep.a',
    awareAt: openedAt,
    openedAt,
    actorId: 'dpo',
    deadlines: notificationDeadlines(openedAt),
    scope: scope('rep.a'),
  },
});

let sequence = 0;
const recorded = (event: IncidentEvent): RecordedEvent => {
  sequence += 1;
  return {
    id: randomUUID(),
    streamId: `Incident-${event.data.incidentId}`,
    type: event.type,
    revision: sequence,
    position: String(sequence) as Position,
    data: event.data,
    metadata: {},
    recordedAt: new Date('2026-06-02T00:00:00.000Z'),
  };
};

describe('incidents projection', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  const [first, second] = [randomUUID(), randomUUID()];
  const history: IncidentEvent[] = [
    opened(first, '2026-06-02T01:00:00.000Z'),
    opened(second, '2026-06-02T02:00:00.000Z'),
    {
      type: 'IncidentContained',
      data: { incidentId: first, actorId: 'dpo', containedAt: '2026-06-02T03:00:00.000Z' },
    },
    {
      type: 'IncidentNotified',
      data: { incidentId: first, actorId: 'dpo', notifiedAt: '2026-06-02T04:00:00.000Z' },
    },
  ];
  const apply = (events: readonly IncidentEvent[]) =>
    dataSource.transaction(async (manager) => {
      for (const event of events) await incidentsProjection.apply(recorded(event), manager);
    });

  beforeAll(async () => {
    database = await createTestDatabase('incidents-projection');
    dataSource = createReadStoreDataSource({
      url: database.url,
      applicationName: 'custodia-incidents-test',
      entities: [...readStoreEntities],
      migrations: [...readStoreMigrations, ...incidentMigrations],
    });
    await dataSource.initialize();
    await dataSource.runMigrations();
    await apply(history);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('lists incidents newest first with status, deadlines and scope counts', async () => {
    const page = await listIncidents(dataSource, { limit: 10 });
    expect(page.items.map((item) => [item.incidentId, item.status])).toEqual([
      [second, 'open'],
      [first, 'notified'],
    ]);
    expect(page.items[1]).toMatchObject({
      suspectedActorId: 'rep.a',
      openedBy: 'dpo',
      deadlines: { GDPR: '2026-06-05T01:00:00.000Z', PIPL: '2026-06-02T01:00:00.000Z' },
      containedAt: '2026-06-02T03:00:00.000Z',
      notifiedAt: '2026-06-02T04:00:00.000Z',
      closedAt: null,
      scope: { customerCount: 1, actorIds: ['rep.a'], fields: ['name'], complete: true },
    });
    expect(page.next).toBeNull();
  });

  it('keeps no description and no customer id; a replay changes nothing', async () => {
    await apply(history.slice(0, 2));
    const [dump] = await dataSource.query<{ text: string }[]>(
      `SELECT string_agg(t::text, ' ') AS text FROM audit_incidents t`,
    );
    expect(dump?.text).not.toContain('CANARY-DESCRIPTION');
    expect(dump?.text).not.toContain(C1);
    expect((await listIncidents(dataSource, { limit: 10 })).items).toHaveLength(2);
  });

  it('pages by cursor, filters by status, and refuses a cursor it did not issue', async () => {
    const one = await listIncidents(dataSource, { limit: 1 });
    expect(one.next).not.toBeNull();
    const two = await listIncidents(dataSource, { limit: 1, cursor: one.next ?? '' });
    expect(two.items.map((item) => item.incidentId)).toEqual([first]);
    const open = await listIncidents(dataSource, { limit: 10, status: 'open' });
    expect(open.items.map((item) => item.incidentId)).toEqual([second]);
    const refused = await listIncidents(dataSource, { limit: 1, cursor: 'bm9wZQ' }).then(
      () => 'none',
      (error: IncidentError) => `${error.code} ${error.field ?? ''}`,
    );
    expect(refused).toBe('INCIDENT.FIELD_INVALID cursor');
  });

  it('empties on reset, and its migration reverts and re-applies', async () => {
    await dataSource.transaction((manager) => incidentsProjection.reset(manager));
    expect((await listIncidents(dataSource, { limit: 10 })).items).toEqual([]);
    await dataSource.undoLastMigration();
    const [gone] = await dataSource.query(`SELECT to_regclass('audit_incidents') AS t`);
    expect(gone).toEqual({ t: null });
    await dataSource.runMigrations();
    await apply(history.slice(0, 1));
    expect((await listIncidents(dataSource, { limit: 10 })).items).toHaveLength(1);
  });
});
