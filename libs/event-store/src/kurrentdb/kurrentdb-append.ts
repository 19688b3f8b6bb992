import {
  BACKWARDS,
  END,
  FORWARDS,
  type KurrentDBClient,
  NO_STREAM,
  type RecordedEvent as KurrentRecordedEvent,
  START,
  jsonEvent,
} from '@kurrent/kurrentdb-client';
import { GENESIS_HASH, chainHash, chainHashes, eventDigest } from '../event-hash';
import { EventStoreError } from '../event-store.errors';
import { checkExpectedRevision, duplicateEventId, prepareAppend } from '../event-store.guards';
import type { AppendResult, ExpectedRevision, NewEvent, Position } from '../event-store.port';
import {
  HASH_METADATA_KEY,
  isStreamNotFound,
  isWrongExpectedVersion,
  storedHash,
  toRecordedEvent,
  toRevision,
  withHash,
} from './kurrentdb-mapping';

/** Rounds lost to other writers before an append gives up (the PostgreSQL store's bound too). */
const MAX_APPEND_ATTEMPTS = 100;

/** An event as it will be stored (what JSON gives back) and the digest of exactly that. */
type BatchEvent = {
  readonly id: string;
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly metadata: Record<string, unknown>;
  readonly digest: Buffer;
};

/** The stream's newest records, newest first, and its last revision (-1: no stream). */
type Tail = { readonly revision: number; readonly records: readonly KurrentRecordedEvent[] };

const invalid = (message: string): EventStoreError =>
  new EventStoreError('EVENT_STORE.INVALID_ARGUMENT', message);

const asStored = <T>(value: T, index: number): T => {
  try {
    return JSON.parse(JSON.stringify(value)) as T;
  } catch {
    throw invalid(`event ${index}: data and metadata must be JSON-serialisable`);
  }
};

const sameId = (stored: string | undefined, id: string): boolean =>
  stored !== undefined && stored.toLowerCase() === id;

/**
 * Appends with the per-stream hash chain, which KurrentDB cannot compute: read the stream's tail,
 * recognise a retry, check the caller's expectation here, hash the batch onto the last event's
 * hash and append at exactly the revision read, so the chain can only be extended from the hash
 * it was computed on. Losing that race to another writer means reading again (the caller's
 * expectation decides whether the new state is still acceptable).
 */
export class HashChainAppender {
  constructor(
    private readonly client: KurrentDBClient,
    /** Newest events read before each append to recognise a retried one. */
    private readonly retryWindow: number,
  ) {}

  async append(
    streamId: string,
    events: readonly NewEvent[],
    expected: ExpectedRevision,
  ): Promise<AppendResult> {
    const batch = prepareBatch(streamId, events, expected);
    for (let attempt = 1; attempt <= MAX_APPEND_ATTEMPTS; attempt++) {
      const tail = await this.readTail(streamId);
      const retried = await this.findRetry(streamId, batch, tail);
      if (retried !== undefined) return retried;
      checkExpectedRevision(streamId, expected, tail.revision);
      const previous = await this.previousHash(streamId, tail);
      const hashes = chainHashes(
        previous,
        tail.revision + 1,
        batch.map((event) => event.digest),
      );
      const last = await this.appendAt(streamId, batch, hashes, tail.revision);
      if (last !== undefined)
        return { nextExpectedRevision: last, position: await this.landed(streamId, batch, last) };
    }
    throw new EventStoreError(
      'EVENT_STORE.UNAVAILABLE',
      `KurrentDB append on stream ${streamId}: too much contention`,
    );
  }

  private async readTail(streamId: string): Promise<Tail> {
    const records: KurrentRecordedEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(streamId, {
        direction: BACKWARDS,
        fromRevision: END,
        maxCount: this.retryWindow,
      }))
        if (resolved.event !== undefined) records.push(resolved.event);
    } catch (error) {
      if (!isStreamNotFound(error)) throw error;
    }
    return { revision: records.length === 0 ? -1 : toRevision(records[0].revision), records };
  }

  /**
   * The original result when the batch is already in the stream: its last id among the tail, and
   * every id the tail holds (and the first, read if older) at its place. Any other sighting of
   * one of its ids is a clash. A batch whose last event has dropped out of the window is not seen.
   */
  private async findRetry(
    streamId: string,
    batch: readonly BatchEvent[],
    tail: Tail,
  ): Promise<AppendResult | undefined> {
    const byId = new Map(tail.records.map((record) => [record.id.toLowerCase(), record]));
    if (!batch.some((event) => byId.has(event.id))) return undefined;
    const last = byId.get(batch[batch.length - 1].id);
    if (last === undefined) throw duplicateEventId();
    const lastRevision = toRevision(last.revision);
    const first = lastRevision - batch.length + 1;
    if (first < 0) throw duplicateEventId();
    const byRevision = new Map(tail.records.map((record) => [toRevision(record.revision), record]));
    const atFirst = byRevision.get(first) ?? (await this.eventAt(streamId, first));
    const inPlace = batch.every((event, index) => {
      const stored = index === 0 ? atFirst : byRevision.get(first + index);
      return stored === undefined || sameId(stored.id, event.id);
    });
    if (!inPlace || !sameId(atFirst?.id, batch[0].id)) throw duplicateEventId();
    return { nextExpectedRevision: lastRevision, position: positionOf(streamId, last) };
  }

  /**
   * The last event's stored hash. A stream whose last event has none was written before the
   * chain: its chain is recomputed from the events (once: the next event stores its hash).
   */
  private async previousHash(streamId: string, tail: Tail): Promise<Buffer> {
    if (tail.revision < 0) return GENESIS_HASH;
    const stored = storedHash(tail.records[0]);
    if (stored !== undefined) return Buffer.from(stored, 'hex');
    let previous = GENESIS_HASH;
    for await (const { event: record } of this.client.readStream(streamId, {
      direction: FORWARDS,
      fromRevision: START,
      maxCount: tail.revision + 1,
    })) {
      const hash = storedHash(record);
      const event = toRecordedEvent(record);
      if (hash !== undefined) previous = Buffer.from(hash, 'hex');
      else if (event !== undefined)
        previous = chainHash(previous, event.revision, eventDigest(event));
      else if (record !== undefined)
        throw invalid(
          `KurrentDB stream ${streamId}: revision ${record.revision} is not a JSON event, so its hash chain cannot be continued`,
        );
    }
    return previous;
  }

  /** The stream's new last revision, or undefined when another writer got there first. */
  private async appendAt(
    streamId: string,
    batch: readonly BatchEvent[],
    hashes: readonly Buffer[],
    revision: number,
  ): Promise<number | undefined> {
    try {
      const result = await this.client.appendToStream(
        streamId,
        batch.map((event, index) =>
          jsonEvent({
            id: event.id,
            type: event.type,
            data: event.data,
            metadata: withHash(event.metadata, hashes[index].toString('hex')),
          }),
        ),
        { streamState: revision < 0 ? NO_STREAM : BigInt(revision) },
      );
      return result.success ? toRevision(result.nextExpectedRevision) : undefined;
    } catch (error) {
      if (isWrongExpectedVersion(error)) return undefined;
      throw error;
    }
  }

  /**
   * Where the batch's last event landed: the server answers an append with its commit record's
   * position, which for a batch or an idempotent repeat is not the last event's position in
   * $all. Appending at an exact revision, the server either wrote the batch there or found these
   * very ids there; the id read back guards against anything else.
   */
  private async landed(
    streamId: string,
    batch: readonly BatchEvent[],
    last: number,
  ): Promise<Position> {
    const atLast = await this.eventAt(streamId, last);
    if (!sameId(atLast?.id, batch[batch.length - 1].id)) throw duplicateEventId();
    return positionOf(streamId, atLast);
  }

  private async eventAt(
    streamId: string,
    revision: number,
  ): Promise<KurrentRecordedEvent | undefined> {
    for await (const resolved of this.client.readStream(streamId, {
      direction: FORWARDS,
      fromRevision: BigInt(revision),
      maxCount: 1,
    }))
      return resolved.event;
    return undefined;
  }
}

/** Argument checks, then each event in its stored form with its digest. */
const prepareBatch = (
  streamId: string,
  events: readonly NewEvent[],
  expected: ExpectedRevision,
): BatchEvent[] =>
  prepareAppend(streamId, events, expected).map((event, index) => {
    if (Object.hasOwn(event.metadata, HASH_METADATA_KEY))
      throw invalid(`event ${index}: metadata key ${HASH_METADATA_KEY} is reserved for the store`);
    const data = asStored(event.data, index);
    const metadata = asStored(event.metadata, index);
    const digest = eventDigest({ streamId, id: event.id, type: event.type, data, metadata });
    return { id: event.id, type: event.type, data, metadata, digest };
  });

const positionOf = (streamId: string, record: KurrentRecordedEvent | undefined): Position => {
  const position = toRecordedEvent(record)?.position;
  if (position === undefined)
    throw new EventStoreError(
      'EVENT_STORE.UNAVAILABLE',
      `KurrentDB append on stream ${streamId}: no position for the last event`,
    );
  return position;
};
