import type { Decider } from '@custodia/platform';
import type { ChangeIncidentStatus, IncidentCommand, OpenIncident } from './incident.commands';
import { IncidentError } from './incident.errors';
import {
  INCIDENT_STATUSES,
  type IncidentEvent,
  type IncidentScope,
  type IncidentStatus,
  type IncidentWindow,
  type NotificationDeadline,
} from './incident.events';
import { checkIncidentText, checkOpening } from './incident-input';

export type IncidentTransition = {
  readonly status: IncidentStatus;
  readonly at: string;
  readonly actorId: string;
  readonly note: string | null;
};

export type Incident = {
  readonly incidentId: string;
  readonly status: IncidentStatus;
  readonly window: IncidentWindow;
  readonly suspectedActorId: string | null;
  readonly awareAt: string;
  readonly openedAt: string;
  readonly deadlines: readonly NotificationDeadline[];
  readonly description: string;
  /** Fixed at opening: customer ids, field names, actor ids and counts. */
  readonly scope: IncidentScope;
  /** Every status the incident took, `open` first. */
  readonly history: readonly IncidentTransition[];
};

/** `null` until the incident is opened. */
export type IncidentAggregate = Incident | null;

const HOUR = 3_600_000;
const GDPR_AUTHORITY_HOURS = 72;

/** GDPR: 72 hours from awareness; PIPL: immediately, i.e. due at awareness itself. */
export const notificationDeadlines = (awareAt: string): NotificationDeadline[] => [
  {
    regime: 'GDPR',
    notify: 'supervisory authority',
    dueAt: new Date(Date.parse(awareAt) + GDPR_AUTHORITY_HOURS * HOUR).toISOString(),
    rule: 'GDPR art. 33(1): within 72 hours of becoming aware',
  },
  {
    regime: 'PIPL',
    notify: 'personal information protection authority and the individuals',
    dueAt: awareAt,
    rule: 'PIPL art. 57: immediately (due at awareness)',
  },
];

/** Not yet notified nor closed, and past `deadline` at `now`. */
export const isNotificationOverdue = (
  incident: Pick<Incident, 'status'>,
  deadline: Pick<NotificationDeadline, 'dueAt'>,
  now: Date,
): boolean =>
  (incident.status === 'open' || incident.status === 'contained') &&
  Date.parse(deadline.dueAt) < now.getTime();

const rank = (status: IncidentStatus): number => INCIDENT_STATUSES.indexOf(status);

const isStatus = (value: string): value is IncidentStatus =>
  (INCIDENT_STATUSES as readonly string[]).includes(value);

const open = ({ data, metadata }: OpenIncident, state: IncidentAggregate): IncidentEvent[] => {
  if (state !== null) throw new IncidentError('INCIDENT.EXISTS', 'the incident already exists');
  const description = checkIncidentText(data.description, 'description');
  const { window, awareAt, suspectedActorId } = checkOpening(data, metadata.now);
  return [
    {
      type: 'IncidentOpened',
      data: {
        incidentId: data.incidentId,
        description,
        window,
        ...(suspectedActorId === undefined ? {} : { suspectedActorId }),
        awareAt,
        openedAt: metadata.now,
        actorId: metadata.actorId,
        deadlines: notificationDeadlines(awareAt),
        scope: data.scope,
      },
    },
  ];
};

/**
 * Forward only: to the next status freely, past one (e.g. `open → notified` before containment
 * is done, or `open → closed` when no notification is needed) with a note saying why.
 */
const change = (
  { data, metadata }: ChangeIncidentStatus,
  state: IncidentAggregate,
): IncidentEvent[] => {
  if (state === null) throw new IncidentError('INCIDENT.NOT_FOUND', 'no such incident');
  if (!isStatus(data.status)) {
    throw new IncidentError(
      'INCIDENT.FIELD_INVALID',
      `status must be one of ${INCIDENT_STATUSES.join(', ')}`,
      'status',
    );
  }
  const target = data.status;
  if (rank(target) <= rank(state.status)) {
    throw new IncidentError(
      'INCIDENT.INVALID_TRANSITION',
      `an incident that is ${state.status} cannot become ${target} (statuses only move forward: ${INCIDENT_STATUSES.join(' → ')})`,
      'status',
    );
  }
  const skips = rank(target) > rank(state.status) + 1;
  const note =
    skips || (data.note ?? '').trim() !== '' ? checkIncidentText(data.note, 'note') : undefined;
  const base = {
    incidentId: state.incidentId,
    actorId: metadata.actorId,
    ...(note === undefined ? {} : { note }),
  };
  switch (target) {
    case 'contained':
      return [{ type: 'IncidentContained', data: { ...base, containedAt: metadata.now } }];
    case 'notified':
      return [{ type: 'IncidentNotified', data: { ...base, notifiedAt: metadata.now } }];
    case 'closed':
      return [{ type: 'IncidentClosed', data: { ...base, closedAt: metadata.now } }];
    case 'open':
      throw new Error('unreachable: open ranks lowest');
  }
};

const moved = (
  state: IncidentAggregate,
  status: IncidentStatus,
  at: string,
  data: { readonly actorId: string; readonly note?: string },
): IncidentAggregate =>
  state === null
    ? state
    : {
        ...state,
        status,
        history: [...state.history, { status, at, actorId: data.actorId, note: data.note ?? null }],
      };

const evolve = (state: IncidentAggregate, event: IncidentEvent): IncidentAggregate => {
  switch (event.type) {
    case 'IncidentOpened': {
      const { incidentId, window, suspectedActorId, awareAt, openedAt, deadlines, actorId } =
        event.data;
      return {
        incidentId,
        description: event.data.description,
        scope: event.data.scope,
        status: 'open',
        window,
        suspectedActorId: suspectedActorId ?? null,
        awareAt,
        openedAt,
        deadlines,
        history: [{ status: 'open', at: openedAt, actorId, note: null }],
      };
    }
    case 'IncidentContained':
      return moved(state, 'contained', event.data.containedAt, event.data);
    case 'IncidentNotified':
      return moved(state, 'notified', event.data.notifiedAt, event.data);
    case 'IncidentClosed':
      return moved(state, 'closed', event.data.closedAt, event.data);
    default: {
      const unexpected: never = event;
      return unexpected;
    }
  }
};

/** The incident register's rules. Pure: time comes in `metadata.now`, ids and scope in the command. */
export const incidentDecider: Decider<IncidentCommand, IncidentEvent, IncidentAggregate> = {
  decide: (command, state) => {
    switch (command.type) {
      case 'OpenIncident':
        return open(command, state);
      case 'ChangeIncidentStatus':
        return change(command, state);
    }
  },
  evolve,
  initialState: () => null,
};
