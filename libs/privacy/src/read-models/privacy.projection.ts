import type { RecordedEvent } from '@custodia/event-store';
import type { Projection } from '@custodia/read-store';
import type { EntityManager } from 'typeorm';
import {
  LEGAL_HOLD_EVENT_TYPES,
  type LegalHoldEvent,
  PRIVACY_REQUEST_EVENT_TYPES,
  type PrivacyRequestEvent,
} from '../privacy.events';
import { legalHoldStatement } from './legal-holds/legal-holds.statements';
import { privacyRequestStatement } from './privacy-requests/privacy-requests.statements';

const isHoldEvent = (event: RecordedEvent): boolean =>
  (LEGAL_HOLD_EVENT_TYPES as readonly string[]).includes(event.type);

/**
 * The DPO's read models: `privacy_requests` (state, deadline, holds) and `privacy_legal_holds`
 * (the hold-id → customer lookup), never a note or a reason. One projection for both tables:
 * every projection costs the runner a pooled connection while it starts (see the report on
 * AdvisoryLockSession), and the two tables always move together.
 */
export const privacyProjection: Projection = {
  name: 'privacy',
  version: 1,
  handles: [...PRIVACY_REQUEST_EVENT_TYPES, ...LEGAL_HOLD_EVENT_TYPES],
  async apply(event: RecordedEvent, manager: EntityManager): Promise<void> {
    const [sql, parameters] = isHoldEvent(event)
      ? legalHoldStatement(event as unknown as LegalHoldEvent)
      : privacyRequestStatement(event as unknown as PrivacyRequestEvent);
    await manager.query(sql, parameters);
  },
  async reset(manager: EntityManager): Promise<void> {
    await manager.query(`TRUNCATE privacy_requests, privacy_legal_holds`);
  },
};
