import { IncidentError, type IncidentErrorCode } from '@custodia/audit';
import { codedProblem, type ProblemInit } from '../http/problem-details';

// 400: malformed or a missing note; 404: no such incident; 409: the status refuses the move.
const STATUS: Readonly<Record<IncidentErrorCode, number>> = {
  'INCIDENT.NOT_FOUND': 404,
  'INCIDENT.EXISTS': 409,
  'INCIDENT.FIELD_INVALID': 400,
  'INCIDENT.REASON_REQUIRED': 400,
  'INCIDENT.INVALID_TRANSITION': 409,
};

/**
 * The incident register's errors as problem+json, wherever they are thrown (the global filter
 * asks); their messages never hold a value. Undefined for any other error.
 */
export const incidentProblem = (error: unknown): ProblemInit | undefined => {
  if (!(error instanceof IncidentError)) return undefined;
  return codedProblem(error, STATUS[error.code]);
};
