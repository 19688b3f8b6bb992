import { chainHash, eventDigest, GENESIS_HASH } from '../event-hash';
import type { RecordedEvent } from '../event-store.port';
import { type ContractContext, event, newNamespace, waitUntilVisible } from './contract-support';

/** What a verifier recomputes from an event as read back: its digest chained to `previous`. */
const expectedHash = (previous: Buffer, recorded: RecordedEvent): string =>
  chainHash(
    previous,
    recorded.revision,
    eventDigest({
      streamId: recorded.streamId,
      id: recorded.id,
      type: recorded.type,
      data: recorded.data,
      metadata: recorded.metadata,
    }),
  ).toString('hex');

export const hashChainCases = ({ fixture }: ContractContext): void => {
  const sut = () => fixture().store;

  describe('hash chain', () => {
    it('chains every event to the one before it in its stream, across appends and expectations', async () => {
      const streamId = `${newNamespace()}-Customer-1`;
      const other = `${newNamespace()}-Customer-2`;
      // Keys in an order jsonb would change, unicode, nested values and metadata.
      const first = {
        ...event('CustomerRegistered', { zeta: 1, alpha: { y: '张伟', x: [1.5, null] } }),
        metadata: { now: '2026-11-30T00:00:00.000Z', actorId: 'u-1' },
      };
      await sut().append(streamId, [first, event('A'), event('B')], {
        expectedRevision: 'no_stream',
      });
      await sut().append(other, [event('Elsewhere')]);
      await sut().append(streamId, [event('C')], { expectedRevision: 2 });
      const last = await sut().append(streamId, [event('D'), event('E')]);
      await waitUntilVisible(sut(), last.position);

      const stored = await sut().readStream(streamId);
      expect(stored.map((recorded) => recorded.revision)).toEqual([0, 1, 2, 3, 4, 5]);
      let previous = GENESIS_HASH;
      for (const recorded of stored) {
        expect(recorded.hash).toMatch(/^[0-9a-f]{64}$/);
        expect(recorded.hash).toBe(expectedHash(previous, recorded));
        previous = Buffer.from(recorded.hash as string, 'hex');
      }
      const [elsewhere] = await sut().readStream(other);
      expect(elsewhere?.hash).toBe(expectedHash(GENESIS_HASH, elsewhere as RecordedEvent));

      // readAll and readStream carry the same hash.
      const all = await sut().readAll({ filter: { streamPrefixes: [streamId] }, committed: true });
      expect(all.map((recorded) => recorded.hash)).toEqual(stored.map((recorded) => recorded.hash));
    });

    it('gives a retried append its original hashes', async () => {
      const streamId = `${newNamespace()}-Customer-1`;
      const events = [event('A'), event('B')];
      await sut().append(streamId, events);
      const before = await sut().readStream(streamId);
      await sut().append(streamId, events);
      expect(await sut().readStream(streamId)).toEqual(before);
    });
  });
};
