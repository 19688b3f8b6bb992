export type AccessQueryErrorCode = 'ACCESS.INVALID_CURSOR' | 'ACCESS.INVALID_FILTER';

/** A query parameter the read models cannot use; names the parameter, never echoes its value. */
export class AccessQueryError extends Error {
  override readonly name = 'AccessQueryError';

  constructor(
    readonly code: AccessQueryErrorCode,
    message: string,
    /** The offending query parameter, e.g. `cursor`. */
    readonly parameter: string,
  ) {
    super(message);
  }
}
