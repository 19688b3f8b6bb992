import type { AccessScope } from '@custodia/access';

/** `open → contained → notified → closed`: forward only. */
export const INCIDENT_STATUSES = ['open', 'contained', 'notified', 'closed'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

/** A period of the access log: `from` inclusive, `to` exclusive (ISO-8601). */
export type IncidentWindow = { readonly from: string; readonly to: string };

/**
 * The scope as the access log had it when the incident was opened, kept in the opened event so
 * it is a fixed record: customer ids, field names, actor ids and counts, never a value.
 */
export type IncidentScope = AccessScope & {
  readonly window: IncidentWindow;
  readonly suspectedActorId: string | null;
  readonly computedAt: string;
  /** False when access events of the window were still waiting to be projected. */
  readonly complete: boolean;
};

/**
 * When the authorities (and people) must be told. GDPR art. 33(1): the supervisory authority
 * within 72 hours of awareness. PIPL art. 57: "immediately" (立即), represented as the awareness
 * time itself, so a PIPL notification is due, and overdue, from the moment of awareness.
 */
export type NotificationDeadline = {
  readonly regime: 'GDPR' | 'PIPL';
  readonly notify: string;
  readonly dueAt: string;
  readonly rule: string;
};

export type IncidentOpened = {
  readonly type: 'IncidentOpened';
  readonly data: {
    readonly incidentId: string;
    /** What happened, in the DPO's words; refused when it holds a phone, e-mail or ID number. */
    readonly description: string;
    readonly window: IncidentWindow;
    readonly suspectedActorId?: string;
    readonly awareAt: string;
    readonly openedAt: string;
    readonly actorId: string;
    readonly deadlines: readonly NotificationDeadline[];
    readonly scope: IncidentScope;
  };
};

/** Moving on; `note` is required when a status is skipped (same guard as the description). */
type StatusChange<Type extends string, At extends string> = {
  readonly type: Type;
  readonly data: {
    readonly incidentId: string;
    readonly actorId: string;
    readonly note?: string;
  } & {
    readonly [K in At]: string;
  };
};

export type IncidentContained = StatusChange<'IncidentContained', 'containedAt'>;
export type IncidentNotified = StatusChange<'IncidentNotified', 'notifiedAt'>;
export type IncidentClosed = StatusChange<'IncidentClosed', 'closedAt'>;

export type IncidentEvent = IncidentOpened | IncidentContained | IncidentNotified | IncidentClosed;

export const INCIDENT_EVENT_TYPES: readonly IncidentEvent['type'][] = [
  'IncidentOpened',
  'IncidentContained',
  'IncidentNotified',
  'IncidentClosed',
];

export const INCIDENT_STREAM_PREFIX = 'Incident-';
export const incidentStreamId = (incidentId: string): string =>
  `${INCIDENT_STREAM_PREFIX}${incidentId}`;
