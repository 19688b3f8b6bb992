import type { LegalHoldEvent } from '../../privacy.events';

/** One statement on `privacy_legal_holds` per event; never the reason (personal, sealed). */
export const legalHoldStatement = (event: LegalHoldEvent): [string, unknown[]] => {
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
