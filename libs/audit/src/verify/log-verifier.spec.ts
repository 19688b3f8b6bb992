import { InMemoryKeyVault, type SigningKey, signingKeyFrom } from '@custodia/crypto-shredding';
import { InMemoryEventStore } from '@custodia/event-store';
import { TreeHeadSigner } from '../tree-heads/tree-head-signer';
import { storeLogEntries, storeTreeHeads } from './log-sources';
import { type LogEntry, verifyLog } from './log-verifier';

const collect = async (entries: AsyncIterable<LogEntry>): Promise<LogEntry[]> => {
  const all: LogEntry[] = [];
  for await (const entry of entries) all.push(entry);
  return all;
};

describe(verifyLog.name, () => {
  let key: SigningKey;
  let log: LogEntry[];
  let heads: LogEntry[];

  beforeAll(async () => {
    key = await signingKeyFrom(new InMemoryKeyVault());
    const store = new InMemoryEventStore();
    const signer = new TreeHeadSigner({ store, signingKey: () => Promise.resolve(key) });
    for (let index = 0; index < 30; index++) {
      await store.append(`Thing-${index % 4}`, [{ type: 'ThingHappened', data: { index } }]);
      if (index % 10 === 9) await signer.signNow();
    }
    log = await collect(storeLogEntries(store));
    heads = await collect(storeTreeHeads(store));
  });

  const verify = (events: LogEntry[], treeHeads = heads) =>
    verifyLog({ treeHeads, events, publicKey: key.publicKeyPem });

  it('passes and reports coverage, with progress', async () => {
    const progress: number[] = [];
    const report = await verifyLog({
      treeHeads: heads,
      events: log,
      publicKey: key.publicKeyPem,
      onProgress: (events) => progress.push(events),
      progressEvery: 10,
    });
    expect(report).toMatchObject({ ok: true, events: 33, streams: 5, failures: [] });
    expect(report.treeHeads).toMatchObject({ found: 3, verified: 3, coveredEvents: 32 });
    expect(progress).toEqual([10, 20, 30, 33]);
  });

  it('says when the log ends before a signed head', async () => {
    const { failure, ok } = await verify(log.slice(0, 25));
    expect(ok).toBe(false);
    // The second head (size 21) holds; the third (size 32) reaches past the end.
    expect(failure).toMatchObject({
      kind: 'log-truncated',
      index: 21,
      position: log[21].position,
      range: { afterIndex: 20, throughIndex: 31 },
    });
  });

  it('lists bad events up to the limit (the tree is over stored hashes: only the chain sees edits)', async () => {
    const edited = log.map((entry, index) =>
      [3, 7, 12, 20].includes(index) ? { ...entry, data: { index: -1 } } : entry,
    );
    const report = await verifyLog({
      treeHeads: heads,
      events: edited,
      publicKey: key.publicKeyPem,
      maxFailures: 3,
    });
    expect(report.failures.map((failure) => [failure.kind, failure.index])).toEqual([
      ['hash-mismatch', 3],
      ['hash-mismatch', 7],
      ['hash-mismatch', 12],
    ]);
    expect(report.failure).toBe(report.failures[0]);
    expect(report.events).toBe(13); // stopped at the limit
  });

  it('treats an event without a hash as a failure, never as a pass', async () => {
    const { hash: _dropped, ...unhashed } = log[5];
    const { failure } = await verify([...log.slice(0, 5), unhashed, ...log.slice(6)]);
    expect(failure).toMatchObject({ kind: 'hash-missing', index: 5 });
  });
});
