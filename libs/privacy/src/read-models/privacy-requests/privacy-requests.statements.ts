import type { PrivacyRequestEvent } from '../../privacy.events';

/** One statement on `privacy_requests` per event; free text (note, reasons) is never copied. */
export const privacyRequestStatement = (event: PrivacyRequestEvent): [string, unknown[]] => {
  const id = event.data.requestId;
  switch (event.type) {
    case 'PrivacyRequestReceived': {
      const { customerId, type, regime, receivedAt, dueAt } = event.data;
      return [
        `INSERT INTO privacy_requests
           (request_id, customer_id, type, regime, state, received_at, due_at)
         VALUES ($1, $2, $3, $4, 'received', $5, $6)
         ON CONFLICT (request_id) DO NOTHING`,
        [id, customerId, type, regime, receivedAt, dueAt],
      ];
    }
    case 'PrivacyRequestVerified':
      return [`UPDATE privacy_requests SET state = 'verified' WHERE request_id = $1`, [id]];
    case 'PrivacyRequestStarted':
      return [`UPDATE privacy_requests SET state = 'in_progress' WHERE request_id = $1`, [id]];
    case 'PrivacyRequestExtended':
      return [
        `UPDATE privacy_requests SET extended = true, due_at = $2 WHERE request_id = $1`,
        [id, event.data.dueAt],
      ];
    case 'PrivacyRequestDeferred':
      return [
        `UPDATE privacy_requests SET state = 'deferred', hold_ids = $2 WHERE request_id = $1`,
        [id, event.data.holdIds],
      ];
    case 'PrivacyRequestResumed':
      return [
        `UPDATE privacy_requests SET state = $2, hold_ids = '{}' WHERE request_id = $1`,
        [id, event.data.state],
      ];
    case 'PrivacyRequestRejected':
      return [`UPDATE privacy_requests SET state = 'rejected' WHERE request_id = $1`, [id]];
    case 'PrivacyRequestCompleted':
      return [
        `UPDATE privacy_requests SET state = 'completed', completed_at = $2 WHERE request_id = $1`,
        [id, event.data.completedAt],
      ];
  }
};
