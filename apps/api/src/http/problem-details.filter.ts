import { STATUS_CODES } from 'node:http';
import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  Logger,
} from '@nestjs/common';
import type { Response } from 'express';
import { EventStoreError } from '@custodia/event-store';
import { currentContext, newId } from '@custodia/platform';
import { accessQueryProblem } from '../access/access-query.problems';
import { incidentProblem } from '../audit/incidents.problems';
import { privacyProblem } from '../privacy/privacy.problems';
import { customerStreamProblem } from './customer-stream.problems';
import { databaseUnavailableProblem } from './database-unavailable.problem';
import { hasTimedOut } from './request-timeout.middleware';
import {
  type FieldError,
  PROBLEM_CONTENT_TYPE,
  type ProblemDetails,
  ProblemException,
  type ProblemInit,
  problemType,
} from './problem-details';

/** Client-facing text for plain HTTP errors: fixed, so nothing from the request is echoed. */
const GENERIC_DETAIL: Readonly<Record<number, string>> = {
  400: 'The request could not be processed as sent.',
  401: 'Authentication is required.',
  403: 'You may not perform this action.',
  404: 'No resource matches this method and path.',
  405: 'This method is not allowed on this resource.',
  406: 'No acceptable representation is available.',
  409: 'The request conflicts with the current state of the resource.',
  413: 'The request body is larger than the limit.',
  415: 'The request content type is not supported.',
  429: 'Too many requests; retry later.',
};

const fromEventStore = (error: EventStoreError): ProblemInit | undefined => {
  switch (error.code) {
    case 'EVENT_STORE.WRONG_EXPECTED_REVISION':
    case 'EVENT_STORE.DUPLICATE_EVENT_ID':
      return {
        status: 409,
        slug: 'concurrent-modification',
        title: 'Conflict',
        detail: 'The resource was changed by another request; reload it and retry.',
        code: error.code,
      };
    case 'EVENT_STORE.UNAVAILABLE':
      return {
        status: 503,
        slug: 'event-store-unavailable',
        title: 'Service Unavailable',
        detail: 'The event store is unavailable; retry later.',
        code: error.code,
      };
    case 'EVENT_STORE.INVALID_ARGUMENT':
      return undefined; // a bug on our side: a 500
  }
};

/**
 * The one exception filter: every error leaves as RFC 9457 `application/problem+json`.
 * Never a stack trace and never an input value; unknown errors become a 500 whose error id
 * points to the log line.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetailsFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (hasTimedOut(response)) {
      // The client already has its 503; what the handler did afterwards is only logged.
      this.logger.warn({ error: describeError(exception) }, 'Outcome after the request timed out');
      return;
    }
    const requestId = currentContext()?.requestId ?? newId();
    const problem = this.toProblem(exception, `urn:uuid:${requestId}`);
    if (response.headersSent) return;
    if (problem.status === 503) response.setHeader('Retry-After', '5');
    response.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  }

  toProblem(exception: unknown, instance: string): ProblemDetails {
    if (exception instanceof ProblemException) {
      const { slug, ...rest } = exception.problem;
      return { type: problemType(slug), ...rest, instance };
    }
    if (exception instanceof EventStoreError) {
      const mapped = fromEventStore(exception);
      if (mapped !== undefined) {
        const { slug, ...rest } = mapped;
        return { type: problemType(slug), ...rest, instance };
      }
    }
    const domain =
      customerStreamProblem(exception) ??
      accessQueryProblem(exception) ??
      privacyProblem(exception) ??
      incidentProblem(exception) ??
      databaseUnavailableProblem(exception);
    if (domain !== undefined) {
      const { slug, ...rest } = domain;
      return { type: problemType(slug), ...rest, instance };
    }
    if (exception instanceof HttpException && exception.getStatus() < 500) {
      const status = exception.getStatus();
      const errors = status === 400 ? unreadablePart(exception.cause) : undefined;
      return {
        type: 'about:blank',
        title: STATUS_CODES[status] ?? 'Error',
        status,
        detail: GENERIC_DETAIL[status] ?? 'The request failed.',
        instance,
        ...(errors === undefined ? {} : { errors }),
      };
    }
    return this.unexpected(exception, instance);
  }

  private unexpected(exception: unknown, instance: string): ProblemDetails {
    const errorId = newId();
    this.logger.error({ errorId, error: describeError(exception) }, 'Unhandled error');
    return {
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      detail: `An unexpected error occurred. Quote error id ${errorId} when reporting it.`,
      instance,
      errorId,
    };
  }
}

/**
 * The part of the request Express could not read, from the parser's error that Nest wraps in a
 * 400: a path with broken percent-encoding, or a body that is not JSON in its charset.
 */
const unreadablePart = (cause: unknown): FieldError[] | undefined => {
  if (cause instanceof URIError) return [{ field: 'path', rule: 'percentEncoding' }];
  const type = (cause as { type?: unknown } | undefined)?.type;
  if (cause instanceof SyntaxError || (typeof type === 'string' && type.startsWith('entity.'))) {
    return [{ field: 'body', rule: 'json' }];
  }
  return undefined;
};

/**
 * What the log may keep of an unknown error: its class, code and stack frames. The message is
 * left out because library messages quote values (a unique-key violation names the duplicate).
 */
export const describeError = (error: unknown): Record<string, unknown> => {
  if (!(error instanceof Error)) return { kind: typeof error };
  const frames = (error.stack ?? '')
    .split('\n')
    .filter((line) => line.trimStart().startsWith('at '));
  const code = (error as { code?: unknown }).code;
  return {
    name: error.name,
    ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
    stack: frames.map((line) => line.trim()),
    ...(error.cause === undefined ? {} : { cause: describeError(error.cause) }),
  };
};
