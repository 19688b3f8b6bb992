import type { RecordedEvent } from '@custodia/event-store';
import type { CustomerStreamEvent } from '@custodia/follow-ups';
import type { Projection } from '@custodia/read-store';
import type { EntityManager } from 'typeorm';
import { jsonValue, plainValue } from '../event-values';

type Statement = [string, unknown[]];

const statementFor = (event: CustomerStreamEvent, at: Date): Statement | undefined => {
  switch (event.type) {
    case 'CustomerRegistered': {
      const { customerId, ownerId, team, company } = event.data;
      return [
        `INSERT INTO access_customer_finance (customer_id, owner_id, team, company, updated_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (customer_id) DO NOTHING`,
        [customerId, ownerId, team, plainValue(company) ?? null, at],
      ];
    }
    case 'CustomerProfileUpdated': {
      const company = event.data.removed.includes('company')
        ? null
        : plainValue(event.data.company);
      if (company === undefined) return undefined;
      return [
        `UPDATE access_customer_finance SET company = $2, updated_at = $3 WHERE customer_id = $1`,
        [event.data.customerId, company, at],
      ];
    }
    case 'CustomerOwnerChanged':
      return [
        `UPDATE access_customer_finance SET owner_id = $2, team = $3, updated_at = $4
          WHERE customer_id = $1`,
        [event.data.customerId, event.data.ownerId, event.data.team, at],
      ];
    case 'FollowUpLogged': {
      const products = jsonValue(event.data.products) ?? null;
      const quote = jsonValue(event.data.quote) ?? null;
      const orderStatus = plainValue(event.data.orderStatus) ?? null;
      if (products === null && quote === null && orderStatus === null) return undefined;
      // Each field comes from the latest follow-up (in log order) that named it.
      return [
        `UPDATE access_customer_finance
            SET products = COALESCE($2::jsonb, products), quote = COALESCE($3::jsonb, quote),
                order_status = COALESCE($4, order_status), updated_at = $5
          WHERE customer_id = $1`,
        [event.data.customerId, products, quote, orderStatus, at],
      ];
    }
    case 'CustomerErased':
      // Finance keeps nothing of an erased customer; the anonymised statistics keep the counts.
      return [
        `DELETE FROM access_customer_finance WHERE customer_id = $1`,
        [event.data.customerId],
      ];
    case 'ConsentGranted':
    case 'ConsentWithdrawn':
    case 'LawfulBasisRecorded':
    case 'LawfulBasisEnded':
      return undefined;
  }
};

export const CUSTOMER_FINANCE_EVENT_TYPES: readonly CustomerStreamEvent['type'][] = [
  'CustomerRegistered',
  'CustomerProfileUpdated',
  'CustomerOwnerChanged',
  'CustomerErased',
  'FollowUpLogged',
];

/** What finance sees: owner, team, company, products, quote, order status; no contact detail. */
export const customerFinanceProjection: Projection = {
  name: 'customer-finance',
  // 2: an erased customer's row is deleted.
  version: 2,
  handles: CUSTOMER_FINANCE_EVENT_TYPES,
  async apply(event: RecordedEvent, manager: EntityManager): Promise<void> {
    const statement = statementFor(event as unknown as CustomerStreamEvent, event.recordedAt);
    if (statement !== undefined) await manager.query(...statement);
  },
  async reset(manager: EntityManager): Promise<void> {
    await manager.query(`TRUNCATE access_customer_finance`);
  },
};
