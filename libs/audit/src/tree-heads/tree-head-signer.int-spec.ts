import {
  cryptoShreddingMigrations,
  PostgresKeyVault,
  type SigningKey,
  signingKeyFrom,
} from '@custodia/crypto-shredding';
import {
  type EventStore,
  eventStoreMigrations,
  PostgresEventStore,
  type RecordedEvent,
} from '@custodia/event-store';
import { createTestDatabase, type TestDatabase } from '@custodia/testing';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { merkleRoot } from '../merkle/merkle-hash';
import { consistencyProof, verifyConsistency } from '../merkle/merkle-proofs';
import { type SignedTreeHead, verifyTreeHeadSignature } from './tree-head';
import { TreeHeadSigner } from './tree-head-signer';
import { eventLeaf, treeHeadOf } from './tree-head-log';
import { TREE_HEADS_STREAM } from './tree-head.events';

/** The whole committed log in readAll order (the order heads cover it in). */
const readLog = async (store: EventStore): Promise<RecordedEvent[]> => {
  const events: RecordedEvent[] = [];
  for (;;) {
    const last = events.at(-1);
    const page = await store.readAll({
      ...(last === undefined ? {} : { from: last.position }),
      maxCount: 500,
      committed: true,
    });
    if (page.length === 0) return events;
    events.push(...page);
  }
};

const heads = async (store: EventStore): Promise<SignedTreeHead[]> =>
  (await store.readStream(TREE_HEADS_STREAM)).map((event) => {
    const { head, signature, keyId, algorithm } = treeHeadOf(event);
    return { head, signature, keyId, algorithm };
  });

const appendSome = async (store: EventStore, count: number, stream: string): Promise<void> => {
  for (let index = 0; index < count; index++)
    await store.append(stream, [{ type: 'ThingHappened', data: { index } }]);
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The gap-safe readAll the signer uses hides events while any older transaction on the server is
 * open (other suites run on the same server): wait until `count` events are visible. Once visible
 * they stay visible, so a signing after this covers them.
 */
const awaitVisible = async (store: EventStore, count: number): Promise<void> => {
  const deadline = Date.now() + 60_000;
  while ((await store.readAll({ maxCount: count })).length < count) {
    if (Date.now() > deadline) throw new Error(`fewer than ${count} events became visible`);
    await sleep(50);
  }
};

/** Signs until the newest head covers the whole log but itself (nothing else is appending). */
const signAll = async (signer: TreeHeadSigner, store: EventStore): Promise<SignedTreeHead> => {
  // Generous: the signer reads gap-safe, and on the server the suites share, any other suite's
  // open writing transaction holds back what it may sign (CI saw more than 20 s).
  const deadline = Date.now() + 60_000;
  for (;;) {
    const signed = await signer.signNow();
    const length = (await readLog(store)).length;
    if (signed !== undefined && signed.head.treeSize === length - 1) return signed;
    if (Date.now() > deadline) throw new Error('the log never became fully covered');
    await sleep(50);
  }
};

/** Everything a verifier will check about the head sequence, against the log as it is. */
const expectSoundSequence = (
  signed: readonly SignedTreeHead[],
  log: readonly RecordedEvent[],
  key: SigningKey,
): void => {
  const leaves = log.map(eventLeaf);
  const sizes = signed.map((head) => head.head.treeSize);
  expect(sizes).toEqual([...new Set(sizes)].sort((a, b) => a - b));
  signed.forEach((head, index) => {
    const { treeSize, rootHash, lastPosition } = head.head;
    expect(verifyTreeHeadSignature(head, key.publicKeyPem)).toBe(true);
    expect(rootHash).toBe(merkleRoot(leaves.slice(0, treeSize)).toString('hex'));
    expect(lastPosition).toBe(log[treeSize - 1].position);
    const previous = signed[index - 1]?.head;
    if (previous === undefined) return;
    expect(
      verifyConsistency({
        size1: previous.treeSize,
        size2: treeSize,
        root1: Buffer.from(previous.rootHash, 'hex'),
        root2: Buffer.from(rootHash, 'hex'),
        proof: consistencyProof(leaves.slice(0, treeSize), previous.treeSize),
      }),
    ).toBe(true);
  });
};

/**
 * A store (another process) whose first append to the TreeHeads stream waits until released:
 * two signers then both append after the same head, deterministically.
 */
const gated = (store: EventStore) => {
  let arrive: () => void = () => undefined;
  let release: () => void = () => undefined;
  const arrived = new Promise<void>((resolve) => (arrive = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  let first = true;
  const wrapped: EventStore = Object.assign(Object.create(store) as EventStore, {
    append: async (...args: Parameters<EventStore['append']>) => {
      if (args[0] === TREE_HEADS_STREAM && first) {
        first = false;
        arrive();
        await released;
      }
      return store.append(...args);
    },
  });
  return { store: wrapped, arrived, release };
};

describe(`${TreeHeadSigner.name} on PostgreSQL`, () => {
  let database: TestDatabase;
  let key: SigningKey;
  let vault: PostgresKeyVault;
  const stores: PostgresEventStore[] = [];
  let writer: PostgresEventStore;
  const openStore = (): PostgresEventStore => {
    const store = new PostgresEventStore({ url: database.url, pollIntervalMs: 100 });
    stores.push(store);
    return store;
  };
  const signerOn = (store: EventStore): TreeHeadSigner =>
    new TreeHeadSigner({ store, signingKey: () => Promise.resolve(key), pageSize: 16 });

  beforeAll(async () => {
    database = await createTestDatabase('tree_heads');
    const dataSource = new DataSource({
      type: 'postgres',
      url: database.url,
      migrations: [...eventStoreMigrations, ...cryptoShreddingMigrations],
    });
    await dataSource.initialize();
    await dataSource.runMigrations();
    await dataSource.destroy();
    vault = await PostgresKeyVault.open({ url: database.url, masterKey: Buffer.alloc(32, 9) });
    key = await signingKeyFrom(vault);
    writer = openStore();
  });

  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    await vault?.close();
    await database?.drop();
  });

  it('signs heads that verify with the public key, over the event hashes in readAll order', async () => {
    await appendSome(writer, 20, 'Thing-a');
    await appendSome(writer, 17, 'Thing-b');
    await awaitVisible(writer, 37);
    const first = await signerOn(openStore()).signNow();
    await appendSome(writer, 9, 'Thing-a');
    await awaitVisible(writer, 47);
    // A new signer, as after a restart: it resumes from the frontier stored in the first head.
    const second = await signerOn(openStore()).signNow();

    expect(first?.head.treeSize).toBe(37);
    expect(second?.head.treeSize).toBe(47); // 37 + the first head + 9
    const log = await readLog(writer);
    expect(log.every((event) => typeof event.hash === 'string')).toBe(true);
    expect(second?.head.rootHash).toBe(merkleRoot(log.slice(0, 47).map(eventLeaf)).toString('hex'));
    expectSoundSequence(await heads(writer), log, key);
  });

  it('leaves out events held back by an open transaction, and covers them once visible', async () => {
    const before = (await readLog(writer)).length;
    const blocker = new Client({ connectionString: database.url });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('SELECT pg_current_xact_id()'); // holds back every later transaction
      await appendSome(writer, 5, 'Thing-held');
      const signed = await signerOn(openStore()).signNow();
      expect(signed?.head.treeSize ?? 0).toBeLessThanOrEqual(before);
    } finally {
      await blocker.query('COMMIT');
      await blocker.end();
    }
    const covered = await signAll(signerOn(openStore()), writer);
    expect(covered.head.treeSize).toBeGreaterThanOrEqual(before + 5);
    expectSoundSequence(await heads(writer), await readLog(writer), key);
  });

  it('two signers appending after the same head: the later one returns the winner’s head', async () => {
    await appendSome(writer, 3, 'Thing-c');
    // Visible first: a signer that sees nothing new signs nothing, and would never reach the gate.
    await awaitVisible(writer, (await readLog(writer)).length);
    const slow = gated(openStore());
    const loser = signerOn(slow.store).signNow();
    await slow.arrived; // read the log, signed, about to append
    await appendSome(writer, 4, 'Thing-c');
    await awaitVisible(writer, (await readLog(writer)).length);
    const winner = await signerOn(openStore()).signNow();
    const countBefore = (await heads(writer)).length;
    slow.release();

    await expect(loser).resolves.toEqual(winner);
    expect(await heads(writer)).toHaveLength(countBefore);
    expectSoundSequence(await heads(writer), await readLog(writer), key);
  });

  it('two signers appending after the same head: one that read more extends the winner’s head', async () => {
    await appendSome(writer, 3, 'Thing-d');
    await awaitVisible(writer, (await readLog(writer)).length);
    const early = gated(openStore());
    const late = gated(openStore());
    const first = signerOn(early.store).signNow();
    await early.arrived;
    await appendSome(writer, 4, 'Thing-d');
    await awaitVisible(writer, (await readLog(writer)).length);
    const second = signerOn(late.store).signNow();
    await late.arrived; // both read after the same head; the late one saw 4 more events
    early.release();
    const won = await first;
    late.release();
    const extended = await second;

    expect(extended?.head.treeSize).toBeGreaterThan(won?.head.treeSize ?? Infinity);
    const signed = await heads(writer);
    expect(signed.slice(-2)).toEqual([won, extended]);
    expectSoundSequence(signed, await readLog(writer), key);
  });

  it('never forks: two signers in two processes racing with concurrent writers', async () => {
    const one = signerOn(openStore());
    const two = signerOn(openStore());
    for (let round = 0; round < 6; round++) {
      await Promise.all([
        appendSome(writer, 4, `Thing-race-${round % 2}`),
        appendSome(openStore(), 3, `Thing-race-${round % 3}`),
        one.signNow(),
        two.signNow(),
        one.signNow(),
        two.signNow(),
      ]);
    }
    const last = await signAll(one, writer);
    const log = await readLog(writer);
    expect(last.head.treeSize).toBe(log.length - 1); // all but that head itself
    expectSoundSequence(await heads(writer), log, key);
  }, 120_000);
});
