export type IncidentErrorCode =
  | 'INCIDENT.NOT_FOUND'
  | 'INCIDENT.EXISTS'
  | 'INCIDENT.FIELD_INVALID'
  /** Skipping a status needs a note saying why. */
  | 'INCIDENT.REASON_REQUIRED'
  /** Backwards, or to the status it has already. */
  | 'INCIDENT.INVALID_TRANSITION';

/**
 * The incident register's one error. The message names the field and the rule, never a value;
 * `field` is set when one input field is at fault.
 */
export class IncidentError extends Error {
  constructor(
    readonly code: IncidentErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'IncidentError';
  }
}
