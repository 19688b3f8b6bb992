import { AccessQueryError, AlertQueryError } from '@custodia/access';
import type { ProblemInit } from '../http/problem-details';

/** A query parameter the read models refused (cursor, filter): 400 naming it, never its value. */
export const accessQueryProblem = (error: unknown): ProblemInit | undefined => {
  if (error instanceof AccessQueryError) {
    return {
      status: 400,
      slug: 'validation',
      title: 'Invalid request',
      detail: error.message,
      code: error.code,
      errors: [{ field: error.parameter, rule: error.message }],
    };
  }
  if (error instanceof AlertQueryError) {
    const field = error.message.split(':')[0] ?? 'query';
    return {
      status: 400,
      slug: 'validation',
      title: 'Invalid request',
      detail: error.message,
      code: error.code,
      errors: [{ field, rule: error.message }],
    };
  }
  return undefined;
};
