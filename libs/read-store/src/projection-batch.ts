import type { Position, RecordedEvent } from '@custodia/event-store';
import type { DataSource, EntityManager } from 'typeorm';
import type { Projection } from './projection';
import {
  advanceCheckpoint,
  lockCheckpoint,
  resetCheckpoint,
  type ProjectionCheckpoint,
} from './projection-checkpoint.repository';
import { ReadStoreError } from './read-store.errors';

/**
 * Checkpoints assume the store hands out events in strictly ascending positions after the
 * checkpoint. An adapter that breaks this would make the runner skip or repeat events, so a
 * batch that is out of order is refused (and retried) instead of applied.
 */
export const assertAscending = (
  events: readonly RecordedEvent[],
  after: Position | undefined,
  compare: (a: Position, b: Position) => number,
): void => {
  let previous = after;
  for (const event of events) {
    if (previous !== undefined && compare(previous, event.position) >= 0) {
      throw new ReadStoreError(
        'READ_STORE.OUT_OF_ORDER',
        `event store returned position ${event.position} after ${previous}`,
      );
    }
    previous = event.position;
  }
};

/** Empties the read model and rewinds its checkpoint to zero at the projection's version, atomically. */
export const resetReadModel = (
  dataSource: DataSource,
  projection: Projection,
): Promise<ProjectionCheckpoint> =>
  dataSource.transaction(async (manager) => {
    await lockCheckpoint(manager, projection.name);
    await projection.reset(manager);
    return resetCheckpoint(manager, projection.name, projection.version);
  });

const applyOne = async (
  projection: Projection,
  event: RecordedEvent,
  manager: EntityManager,
): Promise<void> => {
  try {
    await projection.apply(event, manager);
  } catch (error) {
    // Type, id and position locate the event; its data stays out of messages and logs.
    throw new ReadStoreError(
      'READ_STORE.APPLY_FAILED',
      `projection "${projection.name}" failed on ${event.type} ${event.id} at position ${event.position}`,
      { cause: error },
    );
  }
};

const applyAll = async (
  projection: Projection,
  events: readonly RecordedEvent[],
  manager: EntityManager,
): Promise<void> => {
  if (projection.applyBatch === undefined) {
    for (const event of events) await applyOne(projection, event, manager);
    return;
  }
  try {
    await projection.applyBatch(events, manager);
  } catch (error) {
    // Positions locate the batch; no event data in messages and logs.
    throw new ReadStoreError(
      'READ_STORE.APPLY_FAILED',
      `projection "${projection.name}" failed on the batch of ${events.length} events at positions ${events[0]?.position}..${events.at(-1)?.position}`,
      { cause: error },
    );
  }
};

/**
 * Applies `events` and moves the checkpoint to the last one in one transaction: the batch takes
 * effect exactly once or not at all. `expected` is where this instance believes the checkpoint
 * is; if another writer moved it, nothing is applied.
 */
export const applyBatch = (
  dataSource: DataSource,
  projection: Projection,
  expected: Position | undefined,
  events: readonly RecordedEvent[],
  timeoutMs: number,
): Promise<ProjectionCheckpoint> => {
  const { name, version } = projection;
  const last = events[events.length - 1];
  if (last === undefined) throw new RangeError('applyBatch needs at least one event');
  return dataSource.transaction(async (manager) => {
    // A stuck batch must not stay open: with the event store in the same cluster, an open
    // transaction holds back the snapshot xmin and so hides every newer event from all readers.
    // A read model is derived data with its checkpoint in the same transaction, so its commit
    // need not wait for the WAL flush: a crash can only lose the last batches together with
    // their checkpoint, and they are applied again from the log.
    await manager.query(
      `SELECT set_config('statement_timeout', $1, true),
              set_config('idle_in_transaction_session_timeout', $1, true),
              set_config('synchronous_commit', 'off', true)`,
      [`${timeoutMs}ms`],
    );
    const current = await lockCheckpoint(manager, name);
    if (current?.version !== version || current.position !== expected) {
      throw new ReadStoreError(
        'READ_STORE.CHECKPOINT_MOVED',
        `projection "${name}": checkpoint moved under this instance`,
      );
    }
    await applyAll(projection, events, manager);
    return (await advanceCheckpoint(manager, name, last.position, events.length)) ?? current;
  });
};
