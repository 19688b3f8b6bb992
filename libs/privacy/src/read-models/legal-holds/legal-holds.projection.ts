import type { RecordedEvent } from '@custodia/event-store';
import type { Projection } from '@custodia/read-store';
import type { EntityManager } from 'typeorm';
import { LEGAL_HOLD_EVENT_TYPES, type LegalHoldEvent } from '../../privacy.events';

const statementFor = (event: LegalHoldEvent): [string, unknown[]] => {
  switch (event.type) {
    case 'LegalHoldPlaced': {
      const { holdId, customerId, basis, until, placedAt } = event.data;
      return [
        `INSERT INTO privacy_legal_holds (hold_id, customer_id, basis, until, placed_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (hold_id) DO NOTHING`,
        [holdId, customerId, basis, until ?? null, placedAt],
      ];
    }
    case 'LegalHoldLifted':
      return [
        `UPDATE privacy_legal_holds SET lifted_at = $2 WHERE hold_id = $1`,
        [event.data.holdId, event.data.liftedAt],
      ];
  }
};

/** Every legal hold with its customer, basis and dates; never its reason (personal, sealed). */
export const legalHoldsProjection: Projection = {
  name: 'legal-holds',
  version: 1,
  handles: LEGAL_HOLD_EVENT_TYPES,
  async apply(event: RecordedEvent, manager: EntityManager): Promise<void> {
    const [sql, parameters] = statementFor(event as unknown as LegalHoldEvent);
    await manager.query(sql, parameters);
  },
  async reset(manager: EntityManager): Promise<void> {
    await manager.query(`TRUNCATE privacy_legal_holds`);
  },
};
