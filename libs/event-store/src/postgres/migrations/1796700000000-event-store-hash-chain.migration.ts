import type { MigrationInterface, QueryRunner } from 'typeorm';
import { chainHash, eventDigest, GENESIS_HASH } from '../../event-hash';

/** Rows hashed per round trip when an existing log is backfilled. */
const PAGE = 1000;

type Row = {
  stream_id: string;
  revision: string;
  event_id: string;
  type: string;
  data: unknown;
  metadata: unknown;
};

/**
 * Every event carries `hash`, chained to the previous event of its stream (event-hash.ts). The
 * append computes it in the same statement (APPEND_EVENTS); a log written before this migration
 * is hashed here, stream by stream, with the append-only trigger lifted for the backfill only.
 */
export class EventStoreHashChain1796700000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE events ADD COLUMN hash bytea`);
    await queryRunner.query(`ALTER TABLE events DISABLE TRIGGER events_append_only`);
    let after: [string, string] = ['', '-1'];
    let previous = GENESIS_HASH;
    for (;;) {
      const rows = (await queryRunner.query(
        `SELECT stream_id, revision, event_id, type, data, metadata FROM events
         WHERE (stream_id, revision) > ($1, $2::bigint)
         ORDER BY stream_id, revision LIMIT ${PAGE}`,
        after,
      )) as Row[];
      if (rows.length === 0) break;
      const ids: string[] = [];
      const hashes: Buffer[] = [];
      for (const row of rows) {
        if (row.stream_id !== after[0]) previous = GENESIS_HASH;
        previous = chainHash(
          previous,
          Number(row.revision),
          eventDigest({
            streamId: row.stream_id,
            id: row.event_id,
            type: row.type,
            data: row.data,
            metadata: row.metadata,
          }),
        );
        ids.push(row.event_id);
        hashes.push(previous);
        after = [row.stream_id, row.revision];
      }
      await queryRunner.query(
        `UPDATE events SET hash = batch.hash
         FROM unnest($1::uuid[], $2::bytea[]) AS batch (event_id, hash)
         WHERE events.event_id = batch.event_id`,
        [ids, hashes],
      );
    }
    await queryRunner.query(`ALTER TABLE events ENABLE TRIGGER events_append_only`);
    await queryRunner.query(`ALTER TABLE events ALTER COLUMN hash SET NOT NULL`);
    await queryRunner.query(
      `ALTER TABLE events ADD CONSTRAINT events_hash_length CHECK (octet_length(hash) = 32)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE events DROP COLUMN hash`);
  }
}
