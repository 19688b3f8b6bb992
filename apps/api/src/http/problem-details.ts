import { STATUS_CODES } from 'node:http';
import { HttpException } from '@nestjs/common';

/** One invalid input: the field path and the rule it broke, never the value. */
export type FieldError = { readonly field: string; readonly rule: string };

/** RFC 9457 problem details, plus Custodia's extension members. */
export type ProblemDetails = {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  /** `urn:uuid:<request id>`: identifies this occurrence without echoing the request path. */
  readonly instance: string;
  /** Stable machine-readable code of typed errors, e.g. `EVENT_STORE.WRONG_EXPECTED_REVISION`. */
  readonly code?: string;
  readonly errors?: readonly FieldError[];
  /** Set on 500s: quote it to find the logged error. */
  readonly errorId?: string;
};

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** `urn:custodia:problem:<slug>` for problems with their own semantics; `about:blank` otherwise. */
export const problemType = (slug: string): string => `urn:custodia:problem:${slug}`;

export type ProblemInit = {
  readonly status: number;
  readonly slug: string;
  readonly title: string;
  readonly detail: string;
  readonly code?: string;
  readonly errors?: readonly FieldError[];
};

/**
 * An HTTP error whose client-facing text is written on purpose. Messages of other exceptions
 * (framework, parsers, libraries) may echo input, so the filter never shows them.
 */
export class ProblemException extends HttpException {
  constructor(readonly problem: ProblemInit) {
    super(problem.detail, problem.status);
    this.name = 'ProblemException';
  }
}

export class RequestValidationException extends ProblemException {
  constructor(errors: readonly FieldError[]) {
    super({
      status: 400,
      slug: 'validation',
      title: 'Invalid request',
      detail: `${errors.length} field(s) failed validation: ${[...new Set(errors.map((e) => e.field))].join(', ')}`,
      code: 'REQUEST.VALIDATION',
      errors,
    });
    this.name = 'RequestValidationException';
  }
}

/** A domain error as the contexts throw them: a code, a message without values, maybe a field. */
export type CodedError<Code extends string> = Error & {
  readonly code: Code;
  readonly field?: string;
};

/**
 * The problem+json of a domain error whose status comes from its code: the slug is the code
 * (`PRIVACY.HOLD_ACTIVE` → `privacy-hold-active`) and the field, when there is one, is named.
 */
export const codedProblem = <Code extends string>(
  error: CodedError<Code>,
  status: number,
): ProblemInit => ({
  status,
  slug: error.code.toLowerCase().replace(/[._]/g, '-'),
  title: STATUS_CODES[status] ?? 'Error',
  detail: error.message,
  code: error.code,
  ...(error.field === undefined ? {} : { errors: [{ field: error.field, rule: error.code }] }),
});
