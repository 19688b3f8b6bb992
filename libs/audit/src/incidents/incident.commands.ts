import type { IncidentScope } from './incident.events';

export type IncidentCommandMetadata = {
  readonly actorId: string;
  readonly correlationId?: string;
  /** ISO-8601 time of the decision, from the Clock. */
  readonly now: string;
};

/** Input is unchecked here (times are strings): the decider validates it. */
export type OpenIncident = {
  readonly type: 'OpenIncident';
  readonly data: {
    readonly incidentId: string;
    readonly description: string;
    readonly window: { readonly from: string; readonly to: string };
    readonly suspectedActorId?: string;
    /** When the controller became aware; `metadata.now` when absent. */
    readonly awareAt?: string;
    /** Computed from the access log before deciding (I/O stays out of the decider). */
    readonly scope: IncidentScope;
  };
  readonly metadata: IncidentCommandMetadata;
};

export type ChangeIncidentStatus = {
  readonly type: 'ChangeIncidentStatus';
  readonly data: { readonly incidentId: string; readonly status: string; readonly note?: string };
  readonly metadata: IncidentCommandMetadata;
};

export type IncidentCommand = OpenIncident | ChangeIncidentStatus;
