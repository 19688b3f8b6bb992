export type AccessLogErrorCode = 'ACCESS.LOG_UNAVAILABLE';

/**
 * The access log could not record an access, so the data must not leave (fail closed). The HTTP
 * layer answers 503 and sends nothing. The message names no personal value; `cause` keeps the
 * store's error for the logs.
 */
export class AccessLogUnavailable extends Error {
  readonly code: AccessLogErrorCode = 'ACCESS.LOG_UNAVAILABLE';

  constructor(options?: { cause?: unknown }) {
    super('the access log is unavailable: the access was not recorded', options);
    this.name = 'AccessLogUnavailable';
  }
}
