export type AlertErrorCode = 'ACCESS.INVALID_ALERT_QUERY';

/** A bad `listAlerts` argument (cursor, limit, time): names the parameter, never a value. */
export class AlertQueryError extends Error {
  constructor(
    readonly code: AlertErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AlertQueryError';
  }
}
