import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { currentContext } from '@custodia/platform';
import { PROBLEM_CONTENT_TYPE, type ProblemDetails, problemType } from './problem-details';

/** Set on a response that was answered by the timeout: late output of the handler is dropped. */
const TIMED_OUT = Symbol('TIMED_OUT');

type TimedResponse = Response & { [TIMED_OUT]?: true };

export const hasTimedOut = (response: Response): boolean =>
  (response as TimedResponse)[TIMED_OUT] === true;

const timedOutProblem = (): ProblemDetails => ({
  type: problemType('request-timeout'),
  title: 'Service Unavailable',
  status: 503,
  detail:
    'The request was not answered in time and no data was sent. A command may still be applied: ' +
    'resend it with the same Idempotency-Key.',
  code: 'REQUEST.TIMEOUT',
  instance: `urn:uuid:${currentContext()?.requestId ?? 'unknown'}`,
});

/**
 * No request waits longer than `timeoutMs` (REQUEST_TIMEOUT_MS) for its answer to start: past it
 * the client gets a 503 problem+json with Retry-After instead of a hang — e.g. a database that
 * stopped answering without closing its connections. Covers guards, pipes and handlers alike. A
 * response already under way (a streamed export or timeline) is left to finish. The handler is not
 * cancelled: a command may still commit (hence the Idempotency-Key hint), and whatever it sends
 * later is dropped, so a read that recorded its access late still sends nothing. 0 turns it off.
 */
export const requestTimeoutMiddleware = (timeoutMs: number): RequestHandler => {
  if (timeoutMs === 0) return (_req, _res, next) => next();
  return (_req: Request, res: Response, next: NextFunction): void => {
    const timer = setTimeout(() => {
      if (res.headersSent) return;
      const body = JSON.stringify(timedOutProblem());
      res.setHeader('Retry-After', '5');
      res.status(503).type(PROBLEM_CONTENT_TYPE).send(body);
      (res as TimedResponse)[TIMED_OUT] = true;
    }, timeoutMs);
    timer.unref();
    res.once('finish', () => clearTimeout(timer));
    res.once('close', () => clearTimeout(timer));
    next();
  };
};
