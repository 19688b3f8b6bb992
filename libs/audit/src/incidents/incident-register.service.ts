import { Inject, Injectable } from '@nestjs/common';
import {
  type AccessEvent,
  accessEventTypes,
  accessTimelineProjection,
  AccessWindowQueries,
} from '@custodia/access';
import { EVENT_STORE, type EventStore, WrongExpectedRevision } from '@custodia/event-store';
import { fold, newId } from '@custodia/platform';
import { loadCheckpoint } from '@custodia/read-store';
import type { EntityManager } from 'typeorm';
import type { IncidentCommand, IncidentCommandMetadata } from './incident.commands';
import { IncidentError } from './incident.errors';
import {
  INCIDENT_EVENT_TYPES,
  type IncidentEvent,
  type IncidentScope,
  incidentStreamId,
} from './incident.events';
import { type Incident, incidentDecider } from './incident.decider';
import { checkIncidentText, checkOpening } from './incident-input';

/** The read database (the application's DataSource): bound by `IncidentsModule.register`. */
export const INCIDENTS_READ_DATABASE = Symbol('INCIDENTS_READ_DATABASE');

export type IncidentReadDatabase = Pick<EntityManager, 'query'>;

export type NewIncident = {
  readonly description: string;
  readonly window: { readonly from: string; readonly to: string };
  readonly suspectedActorId?: string;
  readonly awareAt?: string;
};

// A conflict means someone else wrote first: decide again on their result, a few times at most.
const MAX_ATTEMPTS = 3;
// How long opening waits for the access timeline to project the window's last events.
const CATCH_UP_ATTEMPTS = 50;
const CATCH_UP_PAUSE_MS = 100;

const occurredAt = ({ type, data }: AccessEvent): string => {
  switch (type) {
    case 'CustomerDataAccessed':
      return data.accessedAt;
    case 'PersonalDataRevealed':
      return data.revealedAt;
    case 'CustomerDataExported':
      return data.exportedAt;
    case 'AccessDenied':
      return data.deniedAt;
  }
};

/**
 * The incident register: opens an incident with its scope computed from the access timeline
 * (fixed in the opened event), moves it forward, and reads it back from the log (strongly
 * consistent). Nothing here logs or throws a value.
 */
@Injectable()
export class IncidentRegister {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(INCIDENTS_READ_DATABASE) private readonly reads: IncidentReadDatabase,
  ) {}

  async open(input: NewIncident, metadata: IncidentCommandMetadata): Promise<Incident> {
    // Refuse bad input before reading the access log; the decider checks it again.
    checkIncidentText(input.description, 'description');
    const { window, suspectedActorId } = checkOpening(input, metadata.now);
    const complete = await this.timelineCaughtUp(Date.parse(window.to));
    const access = await new AccessWindowQueries(this.reads).scope({
      from: new Date(window.from),
      to: new Date(window.to),
      ...(suspectedActorId === undefined ? {} : { actorId: suspectedActorId }),
    });
    const scope: IncidentScope = {
      window,
      suspectedActorId: suspectedActorId ?? null,
      computedAt: metadata.now,
      complete,
      ...access,
    };
    const incidentId = newId();
    await this.run({ type: 'OpenIncident', data: { incidentId, ...input, scope }, metadata });
    return this.existing(incidentId);
  }

  async changeStatus(
    incidentId: string,
    change: { readonly status: string; readonly note?: string },
    metadata: IncidentCommandMetadata,
  ): Promise<Incident> {
    await this.run({ type: 'ChangeIncidentStatus', data: { incidentId, ...change }, metadata });
    return this.existing(incidentId);
  }

  /** The incident as the log has it now, or undefined. */
  async get(incidentId: string): Promise<Incident | undefined> {
    const { state } = await this.load(incidentId);
    return state ?? undefined;
  }

  private async existing(incidentId: string): Promise<Incident> {
    const incident = await this.get(incidentId);
    if (incident === undefined) {
      throw new IncidentError('INCIDENT.NOT_FOUND', 'no such incident', 'id');
    }
    return incident;
  }

  private async load(incidentId: string) {
    const recorded = await this.store.readStream(incidentStreamId(incidentId));
    const events = recorded.filter((event) =>
      (INCIDENT_EVENT_TYPES as readonly string[]).includes(event.type),
    ) as unknown as IncidentEvent[];
    return { state: fold(incidentDecider, events), revision: recorded.at(-1)?.revision };
  }

  private async run(command: IncidentCommand): Promise<IncidentEvent[]> {
    const streamId = incidentStreamId(command.data.incidentId);
    const { actorId, now, correlationId } = command.metadata;
    const metadata = { actorId, now, ...(correlationId === undefined ? {} : { correlationId }) };
    for (let attempt = 1; ; attempt += 1) {
      const { state, revision } = await this.load(command.data.incidentId);
      const events = incidentDecider.decide(command, state);
      try {
        await this.store.append(
          streamId,
          events.map((event) => ({
            id: newId(),
            type: event.type,
            data: event.data,
            metadata,
          })),
          { expectedRevision: revision ?? 'no_stream' },
        );
        return events;
      } catch (error) {
        if (!(error instanceof WrongExpectedRevision) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }

  /**
   * Whether the access timeline has projected every access event that happened before `until`:
   * the first access event after its checkpoint, if any, must be later. Waits a few seconds for
   * it; the scope records the answer (`complete`).
   */
  private async timelineCaughtUp(until: number): Promise<boolean> {
    for (let attempt = 1; ; attempt += 1) {
      const checkpoint = await loadCheckpoint(
        this.reads as EntityManager,
        accessTimelineProjection.name,
      );
      const [pending] = await this.store.readAll({
        ...(checkpoint?.position === undefined ? {} : { from: checkpoint.position }),
        maxCount: 1,
        filter: { eventTypes: accessEventTypes },
        // Committed but held back behind another transaction is still pending: the projector
        // has not seen it, so the timeline is not complete yet.
        committed: true,
      });
      if (pending === undefined) return true;
      if (Date.parse(occurredAt(pending as unknown as AccessEvent)) >= until) return true;
      if (attempt >= CATCH_UP_ATTEMPTS) return false;
      await new Promise((resolve) => setTimeout(resolve, CATCH_UP_PAUSE_MS));
    }
  }
}
