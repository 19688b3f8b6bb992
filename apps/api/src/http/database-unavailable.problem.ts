import type { ProblemInit } from './problem-details';

/**
 * SQLSTATEs that mean "the database is not there right now", not "the query is wrong": class 08
 * (connection exception), 57P01-57P03 (admin or crash shutdown, cannot connect now) and 53300
 * (too many connections).
 */
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[123]|53300)$/;
/** Socket errors of a connection that was refused, reset or cut. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH']);
/** pg and pg-pool report a dropped or unobtainable connection with these messages, no code. */
const CONNECTION_MESSAGE =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Cannot use a pool after calling end)/;

const codeOf = (error: unknown): unknown => (error as { code?: unknown } | undefined)?.code;

const isUnavailable = (error: unknown, depth = 0): boolean => {
  if (!(error instanceof Error) || depth > 3) return false;
  const code = codeOf(error);
  if (typeof code === 'string' && (UNAVAILABLE_SQLSTATE.test(code) || SOCKET_CODES.has(code)))
    return true;
  if (code === undefined && CONNECTION_MESSAGE.test(error.message)) return true;
  // TypeORM's QueryFailedError keeps pg's error as driverError; others chain a cause.
  const inner = (error as { driverError?: unknown }).driverError ?? error.cause;
  return inner !== undefined && isUnavailable(inner, depth + 1);
};

/**
 * A read model or key query failed because PostgreSQL is down, restarting or refusing
 * connections: a 503 the client can retry (the fault suite saw these as 500s), like an
 * unavailable event store. Nothing from the error reaches the client.
 */
export const databaseUnavailableProblem = (error: unknown): ProblemInit | undefined =>
  isUnavailable(error)
    ? {
        status: 503,
        slug: 'database-unavailable',
        title: 'Service Unavailable',
        detail: 'The database is unavailable; retry later.',
        code: 'DATABASE.UNAVAILABLE',
      }
    : undefined;
