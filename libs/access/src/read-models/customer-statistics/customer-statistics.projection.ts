import type { CustomerErased, CustomerOwnerChanged, CustomerRegistered } from '@custodia/customers';
import type { RecordedEvent } from '@custodia/event-store';
import type { FollowUpLogged } from '@custodia/follow-ups';
import type { Projection } from '@custodia/read-store';
import type { EntityManager } from 'typeorm';

type StatisticsEvent = CustomerRegistered | CustomerOwnerChanged | CustomerErased | FollowUpLogged;

/** A registration names no channel or purpose (its consents may name several): counted here. */
export const ANY = '*';

/** The calendar month (UTC) of an instant, `YYYY-MM`. */
const monthOf = (instant: string): string => new Date(instant).toISOString().slice(0, 7);

const COUNT_REGISTRATION = `
  INSERT INTO access_customer_statistics (owner_id, month, channel, purpose, customers_registered)
  VALUES ($1, $2, $3, $4, 1)
  ON CONFLICT (owner_id, month, channel, purpose)
  DO UPDATE SET customers_registered = access_customer_statistics.customers_registered + 1`;

/** Counted for the customer's owner when it was logged; no owner known, no count. */
const COUNT_FOLLOW_UP = `
  INSERT INTO access_customer_statistics (owner_id, month, channel, purpose, follow_ups_logged)
  SELECT owner_id, $2, $3, $4, 1 FROM access_statistics_owners WHERE customer_id = $1
  ON CONFLICT (owner_id, month, channel, purpose)
  DO UPDATE SET follow_ups_logged = access_customer_statistics.follow_ups_logged + 1`;

const apply = async (event: StatisticsEvent, manager: EntityManager): Promise<void> => {
  switch (event.type) {
    case 'CustomerRegistered': {
      const { customerId, ownerId, registeredAt } = event.data;
      await manager.query(
        `INSERT INTO access_statistics_owners (customer_id, owner_id) VALUES ($1, $2)
         ON CONFLICT (customer_id) DO UPDATE SET owner_id = EXCLUDED.owner_id`,
        [customerId, ownerId],
      );
      await manager.query(COUNT_REGISTRATION, [ownerId, monthOf(registeredAt), ANY, ANY]);
      return;
    }
    case 'CustomerOwnerChanged':
      await manager.query(
        `UPDATE access_statistics_owners SET owner_id = $2 WHERE customer_id = $1`,
        [event.data.customerId, event.data.ownerId],
      );
      return;
    case 'FollowUpLogged': {
      const { customerId, channel, purpose, occurredAt } = event.data;
      await manager.query(COUNT_FOLLOW_UP, [customerId, monthOf(occurredAt), channel, purpose]);
      return;
    }
    case 'CustomerErased':
      // The counts stay (they say nothing about the person); the link to the customer goes.
      await manager.query(`DELETE FROM access_statistics_owners WHERE customer_id = $1`, [
        event.data.customerId,
      ]);
      return;
  }
};

/**
 * Anonymised statistics the business may keep after an erasure (PIPL art. 47 / GDPR recital 26):
 * customers registered and follow-ups logged per owner, month, channel and purpose. No customer
 * id and no personal value in `access_customer_statistics`; erasure leaves past counts as they are.
 */
export const customerStatisticsProjection: Projection = {
  name: 'customer-statistics',
  version: 1,
  handles: ['CustomerRegistered', 'CustomerOwnerChanged', 'CustomerErased', 'FollowUpLogged'],
  // Reads no personal field (ids, purposes, channels, instants): it gets the events sealed.
  readsSealed: true,
  async apply(event: RecordedEvent, manager: EntityManager): Promise<void> {
    await apply(event as unknown as StatisticsEvent, manager);
  },
  async reset(manager: EntityManager): Promise<void> {
    await manager.query(`TRUNCATE access_customer_statistics, access_statistics_owners`);
  },
};
