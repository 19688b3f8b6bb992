import { IncidentError } from './incident.errors';

export const MAX_INCIDENT_TEXT_LENGTH = 2000;
export const MAX_INCIDENT_WINDOW_DAYS = 366;
/** A window may end this far after now (clock skew between the caller and the server). */
const FUTURE_TOLERANCE_MS = 5 * 60_000;
const DAY = 86_400_000;

// Control characters other than tab and line breaks have no place in free text.
const CONTROL = /(?![\t\n\r])\p{Cc}/u;

/**
 * The description and notes are stored in clear (an incident has no customer whose key could
 * seal them), so they must not hold a customer's value: a mainland mobile number, an e-mail
 * address or an 18-digit ID-card number is refused. Customers are named by id.
 */
const PERSONAL_SHAPES: readonly RegExp[] = [
  /(?<!\d)(?:\+?86[-\s]?)?1[3-9]\d(?:[-\s]?\d{4}){2}(?!\d)/,
  /[^\s@]+@[^\s@]+\.[^\s@]+/,
  /(?<!\d)\d{17}[\dXx](?![\dA-Za-z])/,
];

/** Same as identity's user ids. */
export const ACTOR_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:|-]{0,127}$/;

export const checkIncidentText = (value: string | undefined, field: string): string => {
  const trimmed = (value ?? '').trim();
  if (trimmed === '') {
    throw new IncidentError('INCIDENT.REASON_REQUIRED', `${field} is required`, field);
  }
  if (trimmed.length > MAX_INCIDENT_TEXT_LENGTH || CONTROL.test(trimmed)) {
    throw new IncidentError(
      'INCIDENT.FIELD_INVALID',
      `${field} must be at most ${MAX_INCIDENT_TEXT_LENGTH} printable characters`,
      field,
    );
  }
  if (PERSONAL_SHAPES.some((shape) => shape.test(trimmed))) {
    throw new IncidentError(
      'INCIDENT.FIELD_INVALID',
      `${field} must not hold a phone number, e-mail address or ID-card number: name customers by id`,
      field,
    );
  }
  return trimmed;
};

const time = (value: string | undefined, field: string): number => {
  const parsed = value === undefined ? Number.NaN : Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value ?? '') || Number.isNaN(parsed)) {
    throw new IncidentError('INCIDENT.FIELD_INVALID', `${field} must be an ISO-8601 time`, field);
  }
  return parsed;
};

export type CheckedOpening = {
  readonly window: { readonly from: string; readonly to: string };
  readonly awareAt: string;
  readonly suspectedActorId?: string;
};

/**
 * The opening's times and actor, normalised to ISO-8601 UTC: `from < to`, at most a year, not
 * ending in the future; awareness inside [from, now].
 */
export const checkOpening = (
  input: {
    readonly window: { readonly from: string; readonly to: string };
    readonly awareAt?: string;
    readonly suspectedActorId?: string;
  },
  now: string,
): CheckedOpening => {
  const from = time(input.window?.from, 'window.from');
  const to = time(input.window?.to, 'window.to');
  const current = Date.parse(now);
  if (to <= from) {
    throw new IncidentError(
      'INCIDENT.FIELD_INVALID',
      'window.to must be after window.from',
      'window.to',
    );
  }
  if (to - from > MAX_INCIDENT_WINDOW_DAYS * DAY) {
    throw new IncidentError(
      'INCIDENT.FIELD_INVALID',
      `window.to must be at most ${MAX_INCIDENT_WINDOW_DAYS} days after window.from`,
      'window.to',
    );
  }
  if (to > current + FUTURE_TOLERANCE_MS) {
    throw new IncidentError(
      'INCIDENT.FIELD_INVALID',
      'window.to must not be in the future',
      'window.to',
    );
  }
  const awareAt = input.awareAt === undefined ? current : time(input.awareAt, 'awareAt');
  if (awareAt < from || awareAt > current + FUTURE_TOLERANCE_MS) {
    throw new IncidentError(
      'INCIDENT.FIELD_INVALID',
      'awareAt must be between window.from and now',
      'awareAt',
    );
  }
  const actor = input.suspectedActorId;
  if (actor !== undefined && !ACTOR_ID_PATTERN.test(actor)) {
    throw new IncidentError(
      'INCIDENT.FIELD_INVALID',
      'suspectedActor must be a user id (letters, digits and . _ : | -)',
      'suspectedActor',
    );
  }
  return {
    window: { from: new Date(from).toISOString(), to: new Date(to).toISOString() },
    awareAt: new Date(Math.min(awareAt, current)).toISOString(),
    ...(actor === undefined ? {} : { suspectedActorId: actor }),
  };
};
