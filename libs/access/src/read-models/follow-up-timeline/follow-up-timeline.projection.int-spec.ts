import { randomUUID } from 'node:crypto';
import { ERASED } from '@custodia/crypto-shredding';
import type { RecordedEvent } from '@custodia/event-store';
import { createTestDatabase, type TestDatabase } from '@custodia/testing';
import type { DataSource } from 'typeorm';
import {
  applyEvents,
  followUpLogged,
  openAccessDataSource,
  recorded,
} from '../access-read-models.fixtures';
import { followUpTimelineProjection } from './follow-up-timeline.projection';

/** Every row, in a stable order, as PostgreSQL returns it. */
const rows = (dataSource: DataSource): Promise<Record<string, unknown>[]> =>
  dataSource.query(`SELECT * FROM access_follow_ups ORDER BY customer_id, occurred_at, event_id`);

describe('follow-up timeline projection: applyBatch', () => {
  let database: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase('follow-up-timeline-batch');
    dataSource = await openAccessDataSource(database.url);
  });

  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  beforeEach(() => dataSource.query('TRUNCATE access_follow_ups'));

  const erasedCustomer = randomUUID();
  const otherCustomer = randomUUID();
  const first = followUpLogged(erasedCustomer, {
    occurredAt: '2026-06-01T08:00:00.000Z',
    nextStep: '发送报价',
    nextFollowUpAt: '2026-06-08T08:00:00.000Z',
    products: ['custodia-enterprise'],
    quote: { amount: 128000, currency: 'CNY' },
    orderStatus: 'quoted',
  });
  const again = recorded('FollowUpLogged', {
    ...(first.data as Record<string, unknown> & { customerId: string }),
    channel: 'visit',
  });
  // A log in which the order matters: the erasure turns off the notes of the rows before it,
  // and only those; a follow-up delivered twice keeps its first row.
  const log: RecordedEvent[] = [
    first,
    followUpLogged(otherCustomer, { occurredAt: '2026-06-01T09:00:00.000Z', summary: ERASED }),
    followUpLogged(erasedCustomer, { occurredAt: '2026-06-02T08:00:00.000Z' }),
    again,
    recorded('CustomerErased', { customerId: erasedCustomer }),
    followUpLogged(erasedCustomer, {
      occurredAt: '2026-06-03T08:00:00.000Z',
      nextStep: '回访',
      nextFollowUpAt: null,
    }),
    followUpLogged(otherCustomer, { occurredAt: '2026-06-04T09:00:00.000Z', nextStep: '  ' }),
  ];

  it('leaves exactly the rows that applying each event in order leaves', async () => {
    await applyEvents(dataSource, [followUpTimelineProjection], log);
    const oneByOne = await rows(dataSource);
    await dataSource.query('TRUNCATE access_follow_ups');

    await dataSource.transaction((manager) => followUpTimelineProjection.applyBatch!(log, manager));

    const batched = await rows(dataSource);
    expect(batched).toEqual(oneByOne);
    expect(
      batched.map((row) => ({
        customer: row.customer_id === erasedCustomer ? 'erased' : 'other',
        channel: row.channel,
        summary: row.has_summary,
        nextStep: row.has_next_step,
      })),
    ).toEqual(
      expect.arrayContaining([
        { customer: 'erased', channel: 'call', summary: false, nextStep: false },
        { customer: 'erased', channel: 'call', summary: true, nextStep: true },
        { customer: 'other', channel: 'call', summary: false, nextStep: false },
        { customer: 'other', channel: 'call', summary: true, nextStep: false },
      ]),
    );
    expect(batched).toHaveLength(5);
    const kept = batched.find((row) => row.follow_up_id === first.data.followUpId);
    expect(kept).toMatchObject({
      event_id: first.id,
      order_status: 'quoted',
      products: ['custodia-enterprise'],
    });
    const afterErasure = batched.filter(
      (row) => row.customer_id === erasedCustomer && row.has_summary === true,
    );
    expect(afterErasure).toHaveLength(1);
    expect(afterErasure[0].next_follow_up_at).toBeNull();
  });

  it('does nothing with an empty batch', async () => {
    await dataSource.transaction((manager) => followUpTimelineProjection.applyBatch!([], manager));
    expect(await rows(dataSource)).toEqual([]);
  });
});
