import { WrongExpectedRevision } from '../event-store.errors';
import type { ExpectedRevision, NewEvent } from '../event-store.port';
import {
  type ContractContext,
  event,
  expectAscending,
  expectStoreError,
  expectWrongRevision,
  ids,
  newNamespace,
} from './contract-support';

export const appendCases = ({ fixture, harness }: ContractContext): void => {
  const sut = () => fixture().store;

  it('appends and reads back events with Chinese text, JSON values and metadata intact', async () => {
    const streamId = `${newNamespace()}-Customer-1`;
    const data = {
      summary: '张伟 跟进：报价已发送',
      nested: { tags: ['微信', 'call'], amount: 12_345.67, done: false, none: null },
      emoji: '👍',
    };
    const metadata = {
      actorId: 'user-1',
      correlationId: 'corr-1',
      causationId: 'cause-1',
      purpose: 'sales-follow-up',
      now: '2025-01-02T03:04:05.000Z',
      tenant: '华东',
    };
    const first: NewEvent = { ...event('FollowUpLogged', data), metadata };
    const second = event('NextStepPlanned', { step: '下周二回访' });

    const result = await sut().append(streamId, [first, second], {
      expectedRevision: 'no_stream',
    });
    const stored = await sut().readStream(streamId);

    expect(stored).toEqual([
      expect.objectContaining({ id: first.id, streamId, type: first.type, revision: 0, data }),
      expect.objectContaining({ id: second.id, streamId, revision: 1, data: second.data }),
    ]);
    expect(stored[0]?.metadata).toEqual(metadata);
    expect(stored[1]?.metadata).toEqual({});
    expect(stored[0]?.recordedAt).toBeInstanceOf(Date);
    expect(Math.abs(Date.now() - (stored[0]?.recordedAt.getTime() ?? 0))).toBeLessThan(60_000);
    expect(result).toEqual({ nextExpectedRevision: 1, position: stored[1]?.position });
    expectAscending(
      sut(),
      stored.map((recorded) => recorded.position),
    );
  });

  it('assigns a UUID when an event comes without id', async () => {
    const streamId = `${newNamespace()}-Customer-1`;
    await sut().append(streamId, [{ type: 'CustomerRegistered', data: {} }]);
    const [stored] = await sut().readStream(streamId);
    expect(stored?.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  describe('expected revision', () => {
    const cases: [string, ExpectedRevision, 'new' | 'at 1', number | 'ok'][] = [
      ['any on a new stream', 'any', 'new', 'ok'],
      ['any on an existing stream', 'any', 'at 1', 'ok'],
      ['no_stream on a new stream', 'no_stream', 'new', 'ok'],
      ['no_stream on an existing stream', 'no_stream', 'at 1', 1],
      ['exists on a new stream', 'exists', 'new', -1],
      ['exists on an existing stream', 'exists', 'at 1', 'ok'],
      ['the last revision', 1, 'at 1', 'ok'],
      ['a stale revision', 0, 'at 1', 1],
      ['a revision ahead of the stream', 2, 'at 1', 1],
      ['a revision on a new stream', 0, 'new', -1],
    ];

    it.each(cases)('%s', async (_name, expectedRevision, given, outcome) => {
      const streamId = `${newNamespace()}-Customer-1`;
      if (given === 'at 1') await sut().append(streamId, [event('A'), event('B')]);
      const before = await sut().readStream(streamId);

      const attempt = sut().append(streamId, [event('C')], { expectedRevision });

      if (outcome === 'ok') {
        const result = await attempt;
        expect(result.nextExpectedRevision).toBe(before.length);
        expect(await sut().readStream(streamId)).toHaveLength(before.length + 1);
      } else {
        await expectWrongRevision(attempt, outcome);
        const error = (await attempt.catch((e: unknown) => e)) as WrongExpectedRevision;
        expect(error).toMatchObject({ streamId, expected: expectedRevision });
        expect(await sut().readStream(streamId)).toEqual(before);
      }
    });
  });

  it('rejects invalid appends without writing anything', async () => {
    const streamId = `${newNamespace()}-Customer-1`;
    const twice = event('A');
    const invalid = [
      sut().append(streamId, []),
      sut().append(streamId, [event('A')], { expectedRevision: -1 }),
      sut().append(streamId, [event('A')], { expectedRevision: 1.5 }),
      sut().append(streamId, [twice, twice]),
      sut().append(streamId, [{ id: 'not-a-uuid', type: 'A', data: {} }]),
      sut().append(streamId, [{ type: '', data: {} }]),
    ];
    for (const attempt of invalid) await expectStoreError(attempt, 'EVENT_STORE.INVALID_ARGUMENT');
    expect(await sut().readStream(streamId)).toEqual([]);
  });

  describe('idempotency by event id', () => {
    it('returns the original result when the same events are appended again', async () => {
      const streamId = `${newNamespace()}-Customer-1`;
      const batch = [event('A'), event('B')];
      const original = await sut().append(streamId, batch, { expectedRevision: 'no_stream' });
      await sut().append(streamId, [event('C')]);

      const retries = await Promise.all([
        sut().append(streamId, batch, { expectedRevision: 'no_stream' }),
        sut().append(streamId, batch, { expectedRevision: 'any' }),
        sut().append(streamId, batch),
      ]);

      expect(retries).toEqual([original, original, original]);
      expect((await sut().readStream(streamId)).map((e) => e.type)).toEqual(['A', 'B', 'C']);
    });

    it('writes once when the same batch is appended concurrently', async () => {
      const streamId = `${newNamespace()}-Customer-1`;
      const batch = [event('A'), event('B')];
      const results = await Promise.all(
        Array.from({ length: 5 }, () => sut().append(streamId, batch)),
      );
      expect(new Set(results.map((result) => result.position)).size).toBe(1);
      expect(ids(await sut().readStream(streamId))).toEqual(ids(batch));
    });

    it('rejects ids already used in another batch of the stream, writing nothing', async () => {
      const namespace = newNamespace();
      const [a, b] = [event('A'), event('B')];
      await sut().append(`${namespace}-Customer-1`, [a, b]);

      const partial = sut().append(`${namespace}-Customer-1`, [b, event('C')]);
      await expectStoreError(partial, 'EVENT_STORE.DUPLICATE_EVENT_ID');
      const reordered = sut().append(`${namespace}-Customer-1`, [b, a]);
      await expectStoreError(reordered, 'EVENT_STORE.DUPLICATE_EVENT_ID');

      expect(ids(await sut().readStream(`${namespace}-Customer-1`))).toEqual([a.id, b.id]);
    });

    const crossStreamSkip = harness?.skipCrossStreamIdCheck;
    (crossStreamSkip === undefined ? it : it.skip)(
      `rejects ids already used in another stream, writing nothing${crossStreamSkip === undefined ? '' : ` (skipped: ${crossStreamSkip})`}`,
      async () => {
        const namespace = newNamespace();
        const a = event('A');
        await sut().append(`${namespace}-Customer-1`, [a]);

        const elsewhere = sut().append(`${namespace}-Customer-2`, [event('C'), a]);
        await expectStoreError(elsewhere, 'EVENT_STORE.DUPLICATE_EVENT_ID');
        expect(await sut().readStream(`${namespace}-Customer-2`)).toEqual([]);
      },
    );
  });

  describe('concurrent writers', () => {
    it('lets exactly one of 20 writers at the same expected revision win', async () => {
      const streamId = `${newNamespace()}-Customer-1`;
      await sut().append(streamId, [event('Created')]);

      const outcomes = await Promise.allSettled(
        Array.from({ length: 20 }, (_, writer) =>
          sut().append(streamId, [event('Written', { writer })], { expectedRevision: 0 }),
        ),
      );

      const won = outcomes.filter((outcome) => outcome.status === 'fulfilled');
      const lost = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(19);
      for (const reason of lost) expect(reason).toBeInstanceOf(WrongExpectedRevision);
      expect(await sut().readStream(streamId)).toHaveLength(2);
    });

    it('keeps revisions contiguous when 20 writers retry until each has written once', async () => {
      const streamId = `${newNamespace()}-Customer-1`;
      const writeOnce = async (writer: number): Promise<void> => {
        for (;;) {
          const last = await sut().readStream(streamId, { direction: 'backwards', maxCount: 1 });
          const expectedRevision = last[0]?.revision ?? 'no_stream';
          try {
            await sut().append(streamId, [event('Written', { writer })], { expectedRevision });
            return;
          } catch (error) {
            if (!(error instanceof WrongExpectedRevision)) throw error;
          }
        }
      };
      await Promise.all(Array.from({ length: 20 }, (_, writer) => writeOnce(writer)));

      const stored = await sut().readStream(streamId);
      expect(stored.map((e) => e.revision)).toEqual(Array.from({ length: 20 }, (_, i) => i));
      expect(stored.map((e) => e.data.writer).sort((a, b) => Number(a) - Number(b))).toEqual(
        Array.from({ length: 20 }, (_, i) => i),
      );
    });

    it('serialises 20 concurrent appends with expected revision any', async () => {
      const streamId = `${newNamespace()}-Customer-1`;
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, writer) =>
          sut().append(streamId, [event('A', { writer }), event('B', { writer })]),
        ),
      );
      const stored = await sut().readStream(streamId);
      expect(stored.map((e) => e.revision)).toEqual(Array.from({ length: 40 }, (_, i) => i));
      expect(results.map((r) => r.nextExpectedRevision).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 20 }, (_, i) => 2 * i + 1),
      );
      for (let index = 0; index < 40; index += 2) {
        expect(stored[index]?.data).toEqual(stored[index + 1]?.data); // batches stay whole
      }
    });
  });

  it('appends a batch of 10,000 events atomically and reads it back in order', async () => {
    const streamId = `${newNamespace()}-Import-1`;
    const batch = Array.from({ length: 10_000 }, (_, index) =>
      event('Imported', { index, note: `第${index}条` }),
    );

    const result = await sut().append(streamId, batch, { expectedRevision: 'no_stream' });
    const stored = await sut().readStream(streamId);

    expect(result.nextExpectedRevision).toBe(9_999);
    expect(stored).toHaveLength(10_000);
    expect(stored.every((e, i) => e.revision === i && e.data.index === i)).toBe(true);
    expect(ids(stored)).toEqual(ids(batch));
    expect(stored[9_999]?.position).toBe(result.position);
  });
};
