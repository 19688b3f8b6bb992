import { InMemoryKeyVault, type SigningKey, signingKeyFrom } from '@custodia/crypto-shredding';
import {
  type EventStore,
  InMemoryEventStore,
  type ReadAllOptions,
  type RecordedEvent,
} from '@custodia/event-store';
import { MerkleFrontier } from '../merkle/merkle-frontier';
import { merkleRoot } from '../merkle/merkle-hash';
import { consistencyProof, verifyConsistency } from '../merkle/merkle-proofs';
import { type SignedTreeHead, verifyTreeHeadSignature } from './tree-head';
import { TreeHeadSigner } from './tree-head-signer';
import { eventLeaf, treeHeadOf } from './tree-head-log';
import { TREE_HEAD_SIGNED, TREE_HEADS_STREAM } from './tree-head.events';

const readLog = async (store: EventStore): Promise<RecordedEvent[]> => {
  const events: RecordedEvent[] = [];
  for (;;) {
    const last = events.at(-1);
    const page = await store.readAll({
      ...(last === undefined ? {} : { from: last.position }),
      maxCount: 100,
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

const appendSome = async (store: EventStore, count: number, stream = 'Thing-1'): Promise<void> => {
  for (let index = 0; index < count; index++)
    await store.append(stream, [{ type: 'ThingHappened', data: { index } }]);
};

/** What the verifier will check: the head's root is the MTH of the first treeSize event hashes. */
const expectHeadMatchesLog = (head: SignedTreeHead, log: readonly RecordedEvent[]): void => {
  const covered = log.slice(0, head.head.treeSize);
  expect(head.head.treeSize).toBeLessThanOrEqual(log.length);
  expect(head.head.rootHash).toBe(merkleRoot(covered.map(eventLeaf)).toString('hex'));
  expect(head.head.lastPosition).toBe(covered.at(-1)?.position);
};

describe(TreeHeadSigner.name, () => {
  let key: SigningKey;
  let store: InMemoryEventStore;
  let sut: TreeHeadSigner;
  const clock = { now: () => new Date('2026-11-30T12:00:00.000Z') };

  beforeAll(async () => {
    key = await signingKeyFrom(new InMemoryKeyVault());
  });

  beforeEach(() => {
    store = new InMemoryEventStore(clock);
    sut = new TreeHeadSigner({ store, signingKey: () => Promise.resolve(key), clock, pageSize: 7 });
  });

  afterEach(() => sut.stop());

  it('signs nothing over an empty log', async () => {
    await expect(sut.signNow()).resolves.toBeUndefined();
    await expect(store.readStream(TREE_HEADS_STREAM)).resolves.toEqual([]);
  });

  it('signs a head over every event, whose root is the MTH of their hashes in readAll order', async () => {
    await appendSome(store, 10, 'Thing-1');
    await appendSome(store, 13, 'Thing-2');
    const log = await readLog(store);

    const signed = await sut.signNow();

    expect(signed?.head).toEqual({
      type: 'custodia.tree-head',
      version: 1,
      treeSize: 23,
      rootHash: merkleRoot(log.map(eventLeaf)).toString('hex'),
      lastPosition: log[22].position,
      signedAt: '2026-11-30T12:00:00.000Z',
    });
    expect(verifyTreeHeadSignature(signed as SignedTreeHead, key.publicKeyPem)).toBe(true);
    const [event] = await store.readStream(TREE_HEADS_STREAM);
    expect(event).toMatchObject({
      type: TREE_HEAD_SIGNED,
      revision: 0,
      metadata: { actorId: '$tree-head-signer', now: '2026-11-30T12:00:00.000Z' },
    });
    expect(treeHeadOf(event)).toEqual({
      ...signed,
      frontier: MerkleFrontier.of(log.map(eventLeaf)).toJSON(),
    });
  });

  it('extends the last head: the earlier head is a prefix (consistency proof) and a leaf of the next', async () => {
    await appendSome(store, 5);
    const first = (await sut.signNow()) as SignedTreeHead;
    await appendSome(store, 6);
    const second = (await sut.signNow()) as SignedTreeHead;

    const log = await readLog(store);
    expect(first.head.treeSize).toBe(5);
    expect(second.head.treeSize).toBe(12); // 5 + the first head + 6
    expect(log[5]).toMatchObject({ streamId: TREE_HEADS_STREAM, type: TREE_HEAD_SIGNED });
    expectHeadMatchesLog(first, log);
    expectHeadMatchesLog(second, log);
    expect(
      verifyConsistency({
        size1: 5,
        size2: 12,
        root1: Buffer.from(first.head.rootHash, 'hex'),
        root2: Buffer.from(second.head.rootHash, 'hex'),
        proof: consistencyProof(log.slice(0, 12).map(eventLeaf), 5),
      }),
    ).toBe(true);
  });

  it('returns the last head without appending when nothing but heads was appended since', async () => {
    await appendSome(store, 3);
    const first = await sut.signNow();
    expect(first?.head.treeSize).toBe(3);
    await expect(sut.signNow()).resolves.toEqual(first);
    await appendSome(store, 1);
    const second = await sut.signNow();
    expect(second?.head.treeSize).toBe(5); // 3 + the first head + 1
    await expect(sut.signNow()).resolves.toEqual(second);
    expect((await heads(store)).map((head) => head.head.treeSize)).toEqual([3, 5]);
  });

  it('signs on a tick like on demand: only when something other than heads was appended', async () => {
    await expect(sut.tick()).resolves.toBeUndefined();
    await appendSome(store, 4);
    expect((await sut.tick())?.head.treeSize).toBe(4);
    expect((await sut.tick())?.head.treeSize).toBe(4); // only the head itself is new
    await appendSome(store, 1);
    expect((await sut.tick())?.head.treeSize).toBe(6);
    expect((await heads(store)).map((head) => head.head.treeSize)).toEqual([4, 6]);
  });

  it('runs on its interval once started, and stops', async () => {
    const periodic = new TreeHeadSigner({
      store,
      signingKey: () => Promise.resolve(key),
      intervalMs: 10,
    });
    await appendSome(store, 2);
    periodic.onApplicationBootstrap();
    for (let waited = 0; (await heads(store)).length === 0 && waited < 3000; waited += 10)
      await new Promise((resolve) => setTimeout(resolve, 10));
    await periodic.onModuleDestroy();
    const signed = await heads(store);
    expect(signed.map((head) => head.head.treeSize)).toEqual([2]);
  });

  it('resumes in another process from the stored frontier', async () => {
    await appendSome(store, 9);
    await sut.signNow();
    await appendSome(store, 4);
    const other = new TreeHeadSigner({ store, signingKey: () => Promise.resolve(key) });
    const signed = (await other.signNow()) as SignedTreeHead;
    expect(signed.head.treeSize).toBe(14);
    expectHeadMatchesLog(signed, await readLog(store));
  });

  it('never forks the head sequence: concurrent signers with concurrent writers', async () => {
    const other = new TreeHeadSigner({
      store,
      signingKey: () => Promise.resolve(key),
      pageSize: 3,
    });
    await Promise.all([
      ...Array.from({ length: 8 }, (_, round) => appendSome(store, 3, `Thing-${round}`)),
      ...Array.from({ length: 8 }, () => sut.signNow()),
      ...Array.from({ length: 8 }, () => other.signNow()),
    ]);
    await sut.signNow();
    const log = await readLog(store);
    const signed = await heads(store);
    const sizes = signed.map((head) => head.head.treeSize);
    expect(sizes).toEqual([...new Set(sizes)].sort((a, b) => a - b));
    for (const head of signed) {
      expect(verifyTreeHeadSignature(head, key.publicKeyPem)).toBe(true);
      expectHeadMatchesLog(head, log);
    }
    expect(sizes.at(-1)).toBe(log.length - 1);
  });

  it('refuses to extend a head whose frontier does not match its signed root', async () => {
    await appendSome(store, 3);
    const signed = (await sut.signNow()) as SignedTreeHead;
    await store.append(TREE_HEADS_STREAM, [
      {
        type: TREE_HEAD_SIGNED,
        data: { ...signed, frontier: MerkleFrontier.of([Buffer.alloc(32)]).toJSON() },
      },
    ]);
    await appendSome(store, 1);
    await expect(sut.signNow()).rejects.toMatchObject({ code: 'AUDIT.TREE_HEAD_INVALID' });
  });

  it('refuses to extend a head with a bad signature', async () => {
    await appendSome(store, 3);
    const signed = (await sut.signNow()) as SignedTreeHead;
    const log = await readLog(store);
    await store.append(TREE_HEADS_STREAM, [
      {
        type: TREE_HEAD_SIGNED,
        data: {
          ...signed,
          // A consistent head and frontier over the 4 events, but a signature over another head.
          head: {
            ...signed.head,
            treeSize: 4,
            rootHash: merkleRoot(log.map(eventLeaf)).toString('hex'),
            lastPosition: log[3].position,
          },
          frontier: MerkleFrontier.of(log.map(eventLeaf)).toJSON(),
        },
      },
    ]);
    await expect(sut.signNow()).rejects.toMatchObject({ code: 'AUDIT.TREE_HEAD_INVALID' });
  });

  it('rebuilds the tree from the start when the last head was signed with another key', async () => {
    await appendSome(store, 4);
    const old = await signingKeyFrom(new InMemoryKeyVault());
    await new TreeHeadSigner({ store, signingKey: () => Promise.resolve(old) }).signNow();
    await appendSome(store, 2);
    const signed = (await sut.signNow()) as SignedTreeHead;
    expect(signed.keyId).toBe(key.keyId);
    expect(signed.head.treeSize).toBe(7);
    expectHeadMatchesLog(signed, await readLog(store));
  });

  it('fails loudly on an event without a chain hash, and the periodic tick survives it', async () => {
    const unhashed: EventStore = Object.assign(Object.create(store) as EventStore, {
      readAll: async (options?: ReadAllOptions) =>
        (await store.readAll(options)).map(({ hash: _hash, ...event }) => event),
    });
    const warnings: Record<string, unknown>[] = [];
    const signer = new TreeHeadSigner({
      store: unhashed,
      signingKey: () => Promise.resolve(key),
      logger: { warn: (fields) => warnings.push(fields) },
    });
    await appendSome(store, 2);
    await expect(signer.signNow()).rejects.toMatchObject({ code: 'AUDIT.UNHASHED_EVENT' });
    await expect(signer.tick()).resolves.toBeUndefined();
    expect(warnings).toEqual([
      expect.objectContaining({ error: 'AuditError', code: 'AUDIT.UNHASHED_EVENT' }),
    ]);
    await expect(store.readStream(TREE_HEADS_STREAM)).resolves.toEqual([]);
  });
});
