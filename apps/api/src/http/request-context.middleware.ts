import type { NextFunction, Request, Response } from 'express';
import { newId, runInContext } from '@custodia/platform';

export const REQUEST_ID_HEADER = 'X-Request-Id';
export const CORRELATION_ID_HEADER = 'X-Correlation-Id';

// Accept a caller's id only when it is short and plain, so it is safe to log and echo.
const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;
// ...and holds no run of 7 digits: a phone, ID card or account number would be logged with
// every line of the request and echoed in every problem's `instance`.
const DIGIT_RUN = /\d{7}/;

const incoming = (req: Request, header: string): string | undefined => {
  const value = req.header(header);
  return value !== undefined && SAFE_ID.test(value) && !DIGIT_RUN.test(value) ? value : undefined;
};

/**
 * Gives each request a request id and a correlation id (the caller's when valid), echoes both,
 * and runs the rest of the request inside that context. The request logger uses the same id.
 */
export const requestContextMiddleware = (req: Request, res: Response, next: NextFunction): void => {
  const requestId = incoming(req, REQUEST_ID_HEADER) ?? newId();
  const correlationId = incoming(req, CORRELATION_ID_HEADER) ?? requestId;
  (req as Request & { id?: string }).id = requestId;
  res.setHeader(REQUEST_ID_HEADER, requestId);
  res.setHeader(CORRELATION_ID_HEADER, correlationId);
  runInContext({ requestId, correlationId }, next);
};
