import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  cryptoShreddingMigrations,
  EncryptingEventStore,
  PersonalDataRegistry,
  PostgresKeyVault,
  type SigningKey,
  signingKeyFrom,
} from '@custodia/crypto-shredding';
import {
  chainHash,
  eventDigest,
  eventStoreMigrations,
  GENESIS_HASH,
  PostgresEventStore,
} from '@custodia/event-store';
import { createTestDatabase, type TestDatabase } from '@custodia/testing';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { TreeHeadSigner } from '../tree-heads/tree-head-signer';
import { exportLogLines, fileLogEntries, storeLogEntries, storeTreeHeads } from './log-sources';
import { type LogEntry, type VerificationReport, verifyLog } from './log-verifier';

const registry = new PersonalDataRegistry().register('CustomerRegistered', {
  subject: 'customerId',
  fields: ['name', 'phone'],
});

type Row = { streamId: string; revision: number };

/**
 * Tamper evidence against the real store: rows changed directly in PostgreSQL (the append-only
 * trigger lifted, as an attacker with the owner's rights would) are each found at the position
 * the verifier names. Every case restores the pristine log afterwards.
 */
describe('verifyLog over PostgreSQL', () => {
  let db: TestDatabase;
  let pool: Pool;
  let raw: PostgresEventStore;
  let store: EncryptingEventStore;
  let key: SigningKey;
  let signer: TreeHeadSigner;
  /** The log as appended and signed, before any tampering. */
  let pristine: LogEntry[];

  const customers = ['a', 'b', 'c'].map((name) => ({ name, id: randomUUID() }));
  const stream = (name: string) =>
    `Customer-${customers.find((customer) => customer.name === name)?.id}`;

  const verify = async (publicKey = key.publicKeyPem): Promise<VerificationReport> =>
    verifyLog({
      treeHeads: storeTreeHeads(raw),
      events: storeLogEntries(raw),
      publicKey,
    });

  const indexOf = ({ streamId, revision }: Row): number =>
    pristine.findIndex((entry) => entry.streamId === streamId && entry.revision === revision);

  const tamper = async (sql: string, values: unknown[] = []): Promise<void> => {
    await pool.query(`ALTER TABLE events DISABLE TRIGGER events_append_only`);
    try {
      await pool.query(sql, values);
    } finally {
      await pool.query(`ALTER TABLE events ENABLE TRIGGER events_append_only`);
    }
  };

  const restore = () =>
    tamper(`DELETE FROM events;
      INSERT INTO events OVERRIDING SYSTEM VALUE SELECT * FROM events_pristine`);

  /**
   * Signs once everything appended is visible to the signer's gap-safe read: another suite's
   * transaction open on the same server would otherwise leave the newest events out, and a head
   * with nothing new is not appended.
   */
  const signVisible = async (): Promise<void> => {
    for (const deadline = Date.now() + 20_000; ;) {
      const { rows } = await pool.query<{ held: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM events
           WHERE transaction_id >= pg_snapshot_xmin(pg_current_snapshot())) AS held`,
      );
      if (!rows[0].held) break;
      if (Date.now() > deadline) throw new Error('events stayed held back for 20 s');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await signer.signNow();
  };

  const collect = async (entries: AsyncIterable<LogEntry>): Promise<LogEntry[]> => {
    const all: LogEntry[] = [];
    for await (const entry of entries) all.push(entry);
    return all;
  };

  beforeAll(async () => {
    db = await createTestDatabase('log-verifier');
    const dataSource = new DataSource({
      type: 'postgres',
      url: db.url,
      migrations: [...eventStoreMigrations, ...cryptoShreddingMigrations],
    });
    await dataSource.initialize();
    await dataSource.runMigrations();
    await dataSource.destroy();
    pool = new Pool({ connectionString: db.url, max: 2 });
    raw = new PostgresEventStore({ url: db.url });
    const vault = await PostgresKeyVault.open({ url: db.url, masterKey: Buffer.alloc(32, 7) });
    store = new EncryptingEventStore(raw, { vault, registry, ownsVault: true });
    key = await signingKeyFrom(vault);
    signer = new TreeHeadSigner({ store: raw, signingKey: () => Promise.resolve(key) });

    // Interleaved streams, personal fields sealed, heads signed along the way.
    for (const { name, id } of customers) {
      await store.append(`Customer-${id}`, [
        {
          type: 'CustomerRegistered',
          data: { customerId: id, name: `甄${name}`, phone: '13912345678' },
        },
      ]);
    }
    for (let round = 1; round <= 3; round++) {
      for (const { id } of customers) {
        await store.append(`Customer-${id}`, [
          { type: 'FollowUpLogged', data: { customerId: id, round, channel: 'phone' } },
        ]);
      }
      await signVisible();
    }
    // An erasure: the key goes, CustomerErased is appended; hashes cover envelopes, so nothing
    // already chained or signed changes.
    const erased = customers[0].id;
    await vault.destroyKey(erased);
    await store.append(`Customer-${erased}`, [
      { type: 'CustomerErased', data: { customerId: erased, requestId: randomUUID() } },
    ]);
    await store.append(`Customer-${customers[1].id}`, [
      { type: 'FollowUpLogged', data: { customerId: customers[1].id, round: 4, channel: 'visit' } },
    ]);
    await signVisible();
    pristine = await collect(storeLogEntries(raw));
    await pool.query(`CREATE TABLE events_pristine AS SELECT * FROM events`);
  });

  afterEach(restore);

  afterAll(async () => {
    await store.close();
    await pool.end();
    await db.drop();
  });

  it('passes on the untouched log, after an erasure, with every event but the last head covered', async () => {
    const report = await verify();

    expect(report.failure).toBeNull();
    expect(report.ok).toBe(true);
    expect(report.events).toBe(pristine.length);
    expect(report.streams).toBe(4); // three customers and TreeHeads
    expect(report.treeHeads.found).toBe(4);
    expect(report.treeHeads.verified).toBe(4);
    // The newest head is appended after the tree it signs: it is the one uncovered event.
    expect(report.uncoveredEvents).toBe(1);
    expect(report.treeHeads.latest?.head.treeSize).toBe(pristine.length - 1);
  });

  it('names a modified event exactly', async () => {
    const target = { streamId: stream('b'), revision: 2 };
    await tamper(
      `UPDATE events SET data = jsonb_set(data, '{channel}', '"email"')
       WHERE stream_id = $1 AND revision = $2`,
      [target.streamId, target.revision],
    );

    const { ok, failure } = await verify();

    expect(ok).toBe(false);
    expect(failure).toMatchObject({
      kind: 'hash-mismatch',
      index: indexOf(target),
      position: pristine[indexOf(target)].position,
      ...target,
    });
  });

  it('names the event after one deleted from the middle of its stream', async () => {
    const deleted = { streamId: stream('c'), revision: 1 };
    const next = { streamId: stream('c'), revision: 2 };
    await tamper(`DELETE FROM events WHERE stream_id = $1 AND revision = $2`, [
      deleted.streamId,
      deleted.revision,
    ]);

    const { failure } = await verify();

    expect(failure).toMatchObject({
      kind: 'revision-gap',
      index: indexOf(next) - 1, // one event fewer before it
      position: pristine[indexOf(next)].position,
      ...next,
    });
  });

  it('names the first of two events reordered inside their stream', async () => {
    const [first, second] = [1, 2].map((revision) => ({ streamId: stream('a'), revision }));
    // Several statements (one index check per statement): no parameters, the id is a UUID.
    await tamper(`
      CREATE TEMP TABLE moved AS SELECT * FROM events
        WHERE stream_id = '${first.streamId}' AND revision IN (1, 2);
      DELETE FROM events WHERE event_id IN (SELECT event_id FROM moved);
      INSERT INTO events OVERRIDING SYSTEM VALUE
        SELECT global_position, transaction_id, stream_id, 3 - revision, event_id, type, data,
          metadata, recorded_at, hash
        FROM moved;
      DROP TABLE moved`);

    const { failure } = await verify();

    expect(failure).toMatchObject({
      kind: 'revision-gap',
      index: indexOf(first),
      position: pristine[indexOf(first)].position,
      streamId: first.streamId,
      revision: second.revision, // revision 2 stands where 1 was due
    });
  });

  it('bounds a deleted stream end, invisible to the chain, by the signed head that covers it', async () => {
    // b's round-3 follow-up is the last event of b before the third head.
    const target = { streamId: stream('b'), revision: 3 };
    const heads = pristine.filter((entry) => entry.type === 'TreeHeadSigned');
    // Make it the stream's last event: drop what b got after it (covered by the fourth head).
    await tamper(`DELETE FROM events WHERE stream_id = $1 AND revision >= $2`, [
      target.streamId,
      target.revision,
    ]);

    const { failure } = await verify();

    const covering = heads.find((head) => indexOf(head) > indexOf(target));
    const previousHead = heads[heads.indexOf(covering as LogEntry) - 1];
    const previousSize = (previousHead.data as { head: { treeSize: number } }).head.treeSize;
    expect(failure).toMatchObject({
      kind: 'tree-head-root',
      index: previousSize,
      position: pristine[previousSize].position,
    });
    expect(failure?.range?.afterIndex).toBeLessThan(indexOf(target));
    expect(failure?.range?.throughIndex).toBeGreaterThanOrEqual(indexOf(target));
  });

  it('bounds two events of different streams swapped in the global order', async () => {
    const at = pristine.findIndex(
      (entry, index) =>
        index > 0 &&
        entry.type === 'FollowUpLogged' &&
        pristine[index + 1]?.type === 'FollowUpLogged' &&
        pristine[index + 1]?.streamId !== entry.streamId,
    );
    const [one, two] = [pristine[at], pristine[at + 1]];
    // Each row takes the other's place in the log (transaction id and global position).
    await tamper(
      `WITH gone AS (DELETE FROM events WHERE event_id IN ($1, $2) RETURNING *)
       INSERT INTO events (global_position, transaction_id, stream_id, revision, event_id, type,
         data, metadata, recorded_at, hash)
       OVERRIDING SYSTEM VALUE
       SELECT other.global_position, other.transaction_id, moved.stream_id, moved.revision,
         moved.event_id, moved.type, moved.data, moved.metadata, moved.recorded_at, moved.hash
       FROM gone AS moved JOIN gone AS other ON other.event_id <> moved.event_id`,
      [one.id, two.id],
    );
    const moved = await collect(storeLogEntries(raw));
    expect(moved[at].id).toBe(two.id); // the chains cannot see this: each stream keeps its order

    const { failure } = await verify();

    expect(failure?.kind).toBe('tree-head-root');
    expect(failure?.range?.afterIndex).toBeLessThan(at);
    expect(failure?.range?.throughIndex).toBeGreaterThanOrEqual(at + 1);
  });

  it('bounds an event inserted in the middle with a correctly computed chain hash', async () => {
    const streamId = `Customer-${randomUUID()}`;
    const id = randomUUID();
    const data = { customerId: streamId.slice(9), round: 9, channel: 'phone' };
    const hash = chainHash(
      GENESIS_HASH,
      0,
      eventDigest({ streamId, id, type: 'FollowUpLogged', data, metadata: {} }),
    );
    // Right after the second event, in the first head's range.
    const anchor = await pool.query<{ xid: string }>(
      `SELECT transaction_id::text AS xid FROM events WHERE event_id = $1`,
      [pristine[1].id],
    );
    await tamper(
      `INSERT INTO events (global_position, transaction_id, stream_id, revision, event_id, type,
         data, metadata, hash)
       OVERRIDING SYSTEM VALUE
       VALUES (1000000, $1::xid8, $2, 0, $3, 'FollowUpLogged', $4, '{}', $5)`,
      [anchor.rows[0].xid, streamId, id, JSON.stringify(data), hash],
    );

    const { failure } = await verify();

    expect(failure).toMatchObject({ kind: 'tree-head-root', index: 0 });
    expect(failure?.range?.throughIndex).toBeGreaterThanOrEqual(2);
  });

  it('names an appended event whose hash was not chained', async () => {
    const streamId = stream('c');
    await tamper(
      `INSERT INTO events (stream_id, revision, event_id, type, data, metadata, hash)
       VALUES ($1, 4, $2, 'FollowUpLogged', '{}', '{}', $3)`,
      [streamId, randomUUID(), Buffer.alloc(32, 1)],
    );

    const { failure } = await verify();

    expect(failure).toMatchObject({
      kind: 'hash-mismatch',
      index: pristine.length,
      streamId,
      revision: 4,
    });
  });

  it('refuses tree heads signed by another key', async () => {
    const other = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' });

    const { failure } = await verify(other.toString());

    expect(failure?.kind).toBe('tree-head-signature');
    expect(failure?.streamId).toBe('TreeHeads');
  });

  describe('offline, from an exported file and the public key only', () => {
    let directory: string;
    let file: string;

    beforeAll(async () => {
      directory = await mkdtemp(join(tmpdir(), 'custodia-log-'));
      file = join(directory, 'log.ndjson');
      let text = '';
      for await (const line of exportLogLines(storeLogEntries(raw), new Date())) text += line;
      await writeFile(file, text);
    });

    afterAll(() => rm(directory, { recursive: true, force: true }));

    const verifyFile = (path: string) =>
      verifyLog({
        treeHeads: fileLogEntries(path, { onlyTreeHeads: true }),
        events: fileLogEntries(path),
        publicKey: key.publicKeyPem,
      });

    it('gives the same verdict as the store, and holds no personal value in clear', async () => {
      const text = await readFile(file, 'utf8');
      expect(text).not.toContain('甄');
      expect(text).not.toContain('13912345678');

      const report = await verifyFile(file);

      expect(report).toEqual(await verify());
      expect(report.ok).toBe(true);
    });

    it('names an edited line', async () => {
      const lines = (await readFile(file, 'utf8')).split('\n');
      const target = indexOf({ streamId: stream('c'), revision: 3 });
      lines[target + 1] = lines[target + 1].replace('"round":3', '"round":30');
      const edited = join(directory, 'edited.ndjson');
      await writeFile(edited, lines.join('\n'));

      const { failure } = await verifyFile(edited);

      expect(failure).toMatchObject({ kind: 'hash-mismatch', index: target });
    });

    it('refuses a file that is not a log export', async () => {
      const other = join(directory, 'other.ndjson');
      await writeFile(other, '{"hello":1}\n');
      await expect(verifyFile(other)).rejects.toThrow('not a Custodia log export');
    });
  });
});
