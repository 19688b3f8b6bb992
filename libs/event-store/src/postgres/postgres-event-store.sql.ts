/**
 * Every query the PostgreSQL event store runs, in one place for review. Parameters are
 * positional; the comment above each one names them.
 */

const COLUMNS = `global_position, transaction_id::text AS transaction_id, stream_id, revision,
  event_id, type, data, metadata,
  -- epoch milliseconds: parsing timestamptz text costs more than the rest of a row's fields
  (extract(epoch FROM recorded_at) * 1000)::float8 AS recorded_at_ms,
  encode(hash, 'hex') AS hash`;

/** A row as node-postgres returns it (int8 as string, jsonb parsed). */
export type EventRow = {
  readonly global_position: string;
  readonly transaction_id: string;
  readonly stream_id: string;
  readonly revision: string;
  readonly event_id: string;
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly metadata: Record<string, unknown>;
  readonly recorded_at_ms: number;
  readonly hash: string;
};

/** $2/$3 (the expected revision) against `stream.revision`, the stream's last (-1: none). */
const EXPECTATION_HOLDS = `CASE $2::text
      WHEN 'any' THEN true
      WHEN 'no_stream' THEN stream.revision = -1
      WHEN 'exists' THEN stream.revision >= 0
      ELSE stream.revision = $3::bigint
    END`;

/** The hash a stream's first event chains to (event-hash.ts GENESIS_HASH). */
const GENESIS_HASH_SQL = `decode(repeat('00', 32), 'hex')`;

/**
 * The whole batch in one statement, so it is atomic without an explicit transaction; returns
 * the last event written, or no row when the expectation fails. A concurrent writer that took
 * the same revisions first makes it fail on events_stream_revision_key instead.
 * Each event's hash chains to the stream's last one (event-hash.ts): `chain` walks the batch
 * from the stream's last hash, SHA-256(previous ‖ int8send(revision) ‖ digest).
 * $1 stream id, $2 expected kind ('any' | 'no_stream' | 'exists' | 'revision'),
 * $3 expected revision (when $2 = 'revision'), $4..$7 event ids, types, data, metadata,
 * $8 event digests (SHA-256 of each event's canonical content, computed by the caller).
 */
export const APPEND_EVENTS = `
  WITH RECURSIVE stream AS (
    SELECT coalesce(last.revision, -1) AS revision,
      coalesce(last.hash, ${GENESIS_HASH_SQL}) AS hash
    FROM (SELECT) AS one
    LEFT JOIN LATERAL (
      SELECT revision, hash FROM events WHERE stream_id = $1 ORDER BY revision DESC LIMIT 1
    ) AS last ON true
  ),
  batch AS (
    SELECT * FROM unnest($4::uuid[], $5::text[], $6::jsonb[], $7::jsonb[], $8::bytea[])
      WITH ORDINALITY AS batch (event_id, type, data, metadata, digest, n)
  ),
  chain (n, hash) AS (
    SELECT 0::bigint, stream.hash FROM stream
    UNION ALL
    SELECT batch.n, sha256(chain.hash || int8send(stream.revision + batch.n) || batch.digest)
    FROM chain JOIN batch ON batch.n = chain.n + 1 CROSS JOIN stream
  ),
  inserted AS (
    INSERT INTO events (stream_id, revision, event_id, type, data, metadata, hash)
    SELECT $1, stream.revision + batch.n, batch.event_id, batch.type, batch.data, batch.metadata,
      chain.hash
    FROM stream, batch JOIN chain ON chain.n = batch.n
    WHERE ${EXPECTATION_HOLDS}
    ORDER BY batch.n
    RETURNING revision, transaction_id, global_position
  )
  SELECT revision, transaction_id::text AS transaction_id, global_position
  FROM inserted ORDER BY revision DESC LIMIT 1`;

/**
 * APPEND_EVENTS for the common single event: the same rows and checks, scalar parameters and one
 * hash step instead of unnest and the recursive chain (cheaper to plan and run per append).
 * $1..$3 as APPEND_EVENTS, $4 event id, $5 type, $6 data, $7 metadata, $8 digest.
 */
export const APPEND_ONE_EVENT = `
  WITH last AS (
    SELECT revision, hash FROM events WHERE stream_id = $1 ORDER BY revision DESC LIMIT 1
  ),
  stream AS (
    SELECT coalesce((SELECT revision FROM last), -1) AS revision,
      coalesce((SELECT hash FROM last), ${GENESIS_HASH_SQL}) AS hash
  ),
  inserted AS (
    INSERT INTO events (stream_id, revision, event_id, type, data, metadata, hash)
    SELECT $1, stream.revision + 1, $4::uuid, $5::text, $6::jsonb, $7::jsonb,
      sha256(stream.hash || int8send(stream.revision + 1) || $8::bytea)
    FROM stream
    WHERE ${EXPECTATION_HOLDS}
    RETURNING revision, transaction_id, global_position
  )
  SELECT revision, transaction_id::text AS transaction_id, global_position FROM inserted`;

/** $1 stream id. */
export const STREAM_REVISION = `
  SELECT coalesce(max(revision), -1) AS revision FROM events WHERE stream_id = $1`;

/** $1 event ids: where they already are, to tell a retried append from a clash. */
export const EVENTS_BY_ID = `
  SELECT event_id, stream_id, revision, transaction_id::text AS transaction_id, global_position
  FROM events WHERE event_id = ANY ($1::uuid[])`;

/** $1 stream id, $2 first revision (inclusive), $3 max count (null: all). */
export const READ_STREAM_FORWARDS = `
  SELECT ${COLUMNS} FROM events
  WHERE stream_id = $1 AND revision >= $2
  ORDER BY revision LIMIT $3`;

/** $1 stream id, $2 first revision (inclusive, going down), $3 max count (null: all). */
export const READ_STREAM_BACKWARDS = `
  SELECT ${COLUMNS} FROM events
  WHERE stream_id = $1 AND revision <= $2
  ORDER BY revision DESC LIMIT $3`;

/**
 * The oldest transaction that may still commit events into this database's log: the snapshot's
 * xmin, except that a running transaction PostgreSQL shows connected to another database is
 * skipped (it cannot write here, and a long one — a report, a migration, another application on
 * the same server — would otherwise hold back every reader). A transaction not positively seen
 * elsewhere (a hidden `backend_xid`, a prepared transaction) counts, as before; so does this
 * session's own. Evaluated once per statement (an uncorrelated subquery).
 */
const HORIZON = `(
  SELECT LEAST(
    pg_snapshot_xmax(snap.s),
    pg_current_xact_id_if_assigned(),
    (SELECT min(running) FROM pg_snapshot_xip(snap.s) AS running
      WHERE NOT EXISTS (
        SELECT 1 FROM pg_stat_activity AS other
        WHERE other.backend_xid = xid(running)
          AND other.datid <> (SELECT oid FROM pg_database WHERE datname = current_database()))))
  FROM (SELECT pg_current_snapshot() AS s) AS snap)`;

/** Only transactions older than every running one here: nothing can still commit behind them. */
const GAP_SAFE = `transaction_id < ${HORIZON}`;

/** Shared by the READ_ALL variants; parameters are described at READ_ALL. */
const readAllPage = (visible: string) => `
  FROM events
  WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
    AND ${visible}
    AND ($3::text[] IS NULL OR type = ANY ($3::text[]))
    AND ($4::text[] IS NULL OR stream_id LIKE ANY ($4::text[]))
  -- Qualified: the bare names would sort by the text output columns (99 after 100).
  ORDER BY events.transaction_id, events.global_position
  LIMIT $5`;
const READ_ALL_PAGE = readAllPage(GAP_SAFE);

/**
 * The gap-safe read: only transactions older than every running one are visible, so a
 * transaction that commits late can never land behind a position a reader has passed.
 * $1, $2 exclusive start (transaction id, global position), $3 event types or null,
 * $4 LIKE patterns of stream prefixes or null, $5 max count (null: all).
 */
export const READ_ALL = `SELECT ${COLUMNS} ${READ_ALL_PAGE}`;

/** READ_ALL over every committed event, held back or not (`ReadAllOptions.committed`). */
export const READ_ALL_COMMITTED = `SELECT ${COLUMNS} ${readAllPage('true')}`;

/**
 * READ_ALL for subscriptions, plus whether committed events are held back behind an older
 * transaction still running, in one round trip and one snapshot. An empty page still gives one
 * row (event columns null). Same parameters as READ_ALL.
 */
export const READ_ALL_WITH_HELD_BACK = `
  SELECT held.held_back, page.*
  FROM (
    SELECT coalesce(
      -- The newest row through the index, compared with xmin: an EXISTS with a range condition
      -- gets a sequential scan when statistics are missing, and reads the whole log to say no.
      (SELECT events.transaction_id FROM events
       ORDER BY events.transaction_id DESC, events.global_position DESC LIMIT 1)
        >= ${HORIZON},
      false) AS held_back
  ) AS held
  LEFT JOIN LATERAL (
    SELECT ${COLUMNS}, events.transaction_id AS sort_xid ${READ_ALL_PAGE}
  ) AS page ON true
  ORDER BY page.sort_xid, page.global_position`;

/** The last visible position, by the same visibility rule as READ_ALL. */
export const HEAD_POSITION = `
  SELECT transaction_id::text AS transaction_id, global_position FROM events
  WHERE ${GAP_SAFE}
  ORDER BY events.transaction_id DESC, events.global_position DESC
  LIMIT 1`;

/**
 * Sent after an append commits, outside the writers' transactions (see PostgresNotifier).
 * NOTIFY gives its transaction an id and so a commit record: without waiting for that record's
 * flush it costs the writers no extra fsync (a lost NOTIFY only delays until the next poll).
 */
export const NOTIFY = `BEGIN; SET LOCAL synchronous_commit = off;
  SELECT pg_notify('custodia_events', ''); COMMIT`;

export const LISTEN = `LISTEN custodia_events`;

const names = new Map<string, string>();

/**
 * The same text always gets the same statement name, so node-postgres prepares it once per
 * connection and PostgreSQL plans it once, not on every call.
 */
export const prepared = (text: string, values: unknown[]) => {
  let name = names.get(text);
  if (name === undefined) {
    name = `custodia_es_${names.size + 1}`;
    names.set(text, name);
  }
  return { name, text, values };
};
