import { type ConsentEvent, consentEventTypes } from '@custodia/consent';
import type { CustomerErased } from '@custodia/customers';
import type { RecordedEvent } from '@custodia/event-store';
import type { Projection } from '@custodia/read-store';
import type { EntityManager } from 'typeorm';

type Statement = [string, unknown[]];

/** A new consent or basis for the purpose replaces whatever the row held before. */
const UPSERT_ACTIVE = `
  INSERT INTO access_customer_consents
    (customer_id, purpose, lawful_basis, status, separate, notice_version, channel, since, until)
  VALUES ($1, $2, $3, 'active', $4, $5, $6, $7, NULL)
  ON CONFLICT (customer_id, purpose) DO UPDATE
    SET lawful_basis = EXCLUDED.lawful_basis, status = 'active', separate = EXCLUDED.separate,
        notice_version = EXCLUDED.notice_version, channel = EXCLUDED.channel,
        since = EXCLUDED.since, until = NULL`;

const CLOSE = `
  UPDATE access_customer_consents SET status = $3, until = $4
   WHERE customer_id = $1 AND purpose = $2`;

const statementFor = (event: ConsentEvent | CustomerErased): Statement => {
  if (event.type === 'CustomerErased') {
    // Nothing of an erased customer stays: not even which purposes they consented to.
    return [`DELETE FROM access_customer_consents WHERE customer_id = $1`, [event.data.customerId]];
  }
  const { customerId, purpose } = event.data;
  switch (event.type) {
    case 'ConsentGranted': {
      const { separate, noticeVersion, channel, grantedAt } = event.data;
      return [
        UPSERT_ACTIVE,
        [customerId, purpose, 'consent', separate, noticeVersion, channel, grantedAt],
      ];
    }
    case 'LawfulBasisRecorded': {
      const { lawfulBasis, noticeVersion, recordedAt } = event.data;
      return [
        UPSERT_ACTIVE,
        [customerId, purpose, lawfulBasis, false, noticeVersion, null, recordedAt],
      ];
    }
    case 'ConsentWithdrawn':
      // The channel stays the grant's: the row describes the consent that was given.
      return [CLOSE, [customerId, purpose, 'withdrawn', event.data.withdrawnAt]];
    case 'LawfulBasisEnded':
      return [CLOSE, [customerId, purpose, 'ended', event.data.endedAt]];
  }
};

/** Each customer's consents and other lawful bases per purpose, with their history's last state. */
export const customerConsentsProjection: Projection = {
  name: 'customer-consents',
  // 2: an erased customer's rows are deleted.
  version: 2,
  handles: [...consentEventTypes, 'CustomerErased'],
  // Reads no personal field (ids, purposes, channels, instants): it gets the events sealed.
  readsSealed: true,
  async apply(event: RecordedEvent, manager: EntityManager): Promise<void> {
    await manager.query(...statementFor(event as unknown as ConsentEvent | CustomerErased));
  },
  async reset(manager: EntityManager): Promise<void> {
    await manager.query(`TRUNCATE access_customer_consents`);
  },
};
