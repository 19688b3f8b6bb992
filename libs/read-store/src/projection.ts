import type { RecordedEvent } from '@custodia/event-store';
import type { EntityManager } from 'typeorm';
import { ReadStoreError } from './read-store.errors';

/**
 * A read model fed from the global log. The runner calls `apply` for each event of a batch inside
 * one transaction (the `manager` is bound to it) and stores the checkpoint in that same
 * transaction, so a batch is applied exactly once or not at all.
 */
export type Projection = {
  /** Stable, unique; keys the checkpoint row and the advisory lock. */
  readonly name: string;
  /** Bump when `apply` changes meaning: a stored lower version triggers a rebuild from zero. */
  readonly version: number;
  /** Event types to receive, or `'all'` for every event in the log. */
  readonly handles: readonly string[] | 'all';
  /**
   * True when the projection needs no personal value, only the events' other fields (or whether
   * a sealed field is there): the runner then reads its events as stored, personal fields still
   * sealed envelopes, from `ProjectionRunnerOptions.storedEventStore` — no data key is loaded
   * and nothing is opened for it. It must treat a field as present whether it arrives sealed or,
   * from a store without encryption, in clear. Default false: personal fields arrive opened.
   */
  readonly readsSealed?: boolean;
  apply(event: RecordedEvent, manager: EntityManager): Promise<void>;
  /**
   * Optional: the whole batch at once (e.g. one multi-row INSERT instead of one per event), in
   * the batch's transaction, with exactly the effect of `apply` on each event in order. The
   * runner calls it instead of `apply` when present; a rebuild or catch-up then pays one round
   * trip per batch rather than per event.
   */
  applyBatch?(events: readonly RecordedEvent[], manager: EntityManager): Promise<void>;
  /** Empties the read model before a rebuild; runs in the rebuild's first transaction. */
  reset(manager: EntityManager): Promise<void>;
};

const NAME = /^[a-z][a-z0-9-]{0,62}$/;

/** Fails fast at start-up on a projection list the runner could not run safely. */
export const assertValidProjections = (projections: readonly Projection[]): void => {
  const seen = new Set<string>();
  for (const projection of projections) {
    if (!NAME.test(projection.name)) {
      throw new ReadStoreError(
        'READ_STORE.INVALID_PROJECTION',
        `projection name "${projection.name}" must be kebab-case, at most 63 characters`,
      );
    }
    if (seen.has(projection.name)) {
      throw new ReadStoreError(
        'READ_STORE.INVALID_PROJECTION',
        `projection "${projection.name}" is registered twice`,
      );
    }
    seen.add(projection.name);
    if (!Number.isInteger(projection.version) || projection.version < 1) {
      throw new ReadStoreError(
        'READ_STORE.INVALID_PROJECTION',
        `projection "${projection.name}": version must be a positive integer`,
      );
    }
    if (projection.handles !== 'all' && projection.handles.length === 0) {
      throw new ReadStoreError(
        'READ_STORE.INVALID_PROJECTION',
        `projection "${projection.name}": handles must list at least one event type`,
      );
    }
  }
};

export const handlesEvent = (projection: Projection, eventType: string): boolean =>
  projection.handles === 'all' || projection.handles.includes(eventType);
