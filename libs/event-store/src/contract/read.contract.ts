import type { Position, RecordedEvent } from '../event-store.port';
import {
  type ContractContext,
  event,
  expectAscending,
  expectStoreError,
  ids,
  newNamespace,
  waitUntilVisible,
} from './contract-support';

export const readCases = ({ fixture }: ContractContext): void => {
  const sut = () => fixture().store;

  describe('readStream', () => {
    const streamOfFive = async (): Promise<[string, RecordedEvent[]]> => {
      const streamId = `${newNamespace()}-Customer-1`;
      await sut().append(
        streamId,
        [0, 1, 2, 3, 4].map((n) => event(`E${n}`)),
      );
      return [streamId, await sut().readStream(streamId)];
    };
    const types = (events: readonly RecordedEvent[]) => events.map((e) => e.type);

    it('reads forwards and backwards, from a revision, up to maxCount', async () => {
      const [streamId, all] = await streamOfFive();
      const read = (options: Parameters<ReturnType<typeof sut>['readStream']>[1]) =>
        sut().readStream(streamId, options).then(types);

      expect(types(all)).toEqual(['E0', 'E1', 'E2', 'E3', 'E4']);
      expect(await read({ direction: 'backwards' })).toEqual(['E4', 'E3', 'E2', 'E1', 'E0']);
      expect(await read({ fromRevision: 2 })).toEqual(['E2', 'E3', 'E4']);
      expect(await read({ fromRevision: 2, maxCount: 2 })).toEqual(['E2', 'E3']);
      expect(await read({ direction: 'backwards', fromRevision: 2 })).toEqual(['E2', 'E1', 'E0']);
      expect(await read({ direction: 'backwards', maxCount: 2 })).toEqual(['E4', 'E3']);
      expect(await read({ direction: 'backwards', fromRevision: 3, maxCount: 2 })).toEqual([
        'E3',
        'E2',
      ]);
      expect(await read({ fromRevision: 5 })).toEqual([]);
    });

    it('returns an empty array for a stream that does not exist', async () => {
      expect(await sut().readStream(`${newNamespace()}-Missing-1`)).toEqual([]);
      expect(
        await sut().readStream(`${newNamespace()}-Missing-1`, { direction: 'backwards' }),
      ).toEqual([]);
    });

    it('rejects invalid options', async () => {
      const [streamId] = await streamOfFive();
      for (const options of [{ maxCount: 0 }, { fromRevision: -1 }, { maxCount: 1.5 }]) {
        await expectStoreError(sut().readStream(streamId, options), 'EVENT_STORE.INVALID_ARGUMENT');
      }
    });
  });

  describe('readAll', () => {
    /** Appends one event per step, in order, across three streams of two categories. */
    const threeStreams = async () => {
      const namespace = newNamespace();
      const start = await sut().headPosition();
      const steps: [string, string][] = [
        ['Customer-1', 'CustomerRegistered'],
        ['Order-1', 'OrderPlaced'],
        ['Customer-2', 'CustomerRegistered'],
        ['Customer-1', 'FollowUpLogged'],
        ['Order-1', 'OrderShipped'],
        ['Customer-2', 'FollowUpLogged'],
      ];
      const appended = [];
      let last: Position | undefined;
      for (const [stream, type] of steps) {
        const next = event(type, { stream });
        last = (await sut().append(`${namespace}-${stream}`, [next])).position;
        appended.push(next);
      }
      await waitUntilVisible(sut(), last as Position);
      return { namespace, start, appended };
    };

    it('returns every stream in append order with rising positions, page by page', async () => {
      const { namespace, start, appended } = await threeStreams();
      const filter = { streamPrefixes: [`${namespace}-`] };

      const all = await sut().readAll({ from: start, filter });
      expect(ids(all)).toEqual(ids(appended));
      expectAscending(
        sut(),
        all.map((e) => e.position),
      );

      const pages: RecordedEvent[][] = [];
      let from: Position | undefined = start;
      for (;;) {
        const page = await sut().readAll({ from, filter, maxCount: 4 });
        if (page.length === 0) break;
        pages.push(page);
        from = page[page.length - 1]?.position;
      }
      expect(pages.map((page) => page.length)).toEqual([4, 2]);
      expect(ids(pages.flat())).toEqual(ids(appended));
      expect(await sut().readAll({ from: all[5]?.position, filter })).toEqual([]);
    });

    it('filters by event types and by stream prefixes', async () => {
      const { namespace, start, appended } = await threeStreams();
      const read = async (eventTypes?: string[], prefixes = [`${namespace}-`]) =>
        ids(await sut().readAll({ from: start, filter: { eventTypes, streamPrefixes: prefixes } }));
      const pick = (...indexes: number[]) => indexes.map((index) => appended[index]?.id);

      expect(await read(['FollowUpLogged'])).toEqual(pick(3, 5));
      expect(await read(['OrderPlaced', 'OrderShipped'])).toEqual(pick(1, 4));
      expect(await read(undefined, [`${namespace}-Customer-`])).toEqual(pick(0, 2, 3, 5));
      expect(await read(undefined, [`${namespace}-Order-`, `${namespace}-Customer-2`])).toEqual(
        pick(1, 2, 4, 5),
      );
      expect(await read(['FollowUpLogged'], [`${namespace}-Customer-1`])).toEqual(pick(3));
      expect(await read(['NoSuchType'])).toEqual([]);
    });

    it('treats prefix characters literally', async () => {
      const namespace = newNamespace();
      const start = await sut().headPosition();
      await sut().append(`${namespace}-a_b-1`, [event('A')]);
      await sut().append(`${namespace}-axb-1`, [event('A')]);
      const last = await sut().append(`${namespace}-a%-1`, [event('A')]);
      await waitUntilVisible(sut(), last.position);
      const read = async (prefix: string) =>
        (await sut().readAll({ from: start, filter: { streamPrefixes: [prefix] } })).map(
          (e) => e.streamId,
        );
      expect(await read(`${namespace}-a_`)).toEqual([`${namespace}-a_b-1`]);
      expect(await read(`${namespace}-a%`)).toEqual([`${namespace}-a%-1`]);
    });

    it('rejects a position it did not produce and an invalid maxCount', async () => {
      await expectStoreError(
        sut().readAll({ from: 'not-a-position' as Position }),
        'EVENT_STORE.INVALID_ARGUMENT',
      );
      await expectStoreError(sut().readAll({ maxCount: 0 }), 'EVENT_STORE.INVALID_ARGUMENT');
    });
  });

  describe('positions and health', () => {
    it('moves the head to the last appended position and orders positions', async () => {
      const namespace = newNamespace();
      const before = await sut().headPosition();
      const first = await sut().append(`${namespace}-Customer-1`, [event('A')]);
      const second = await sut().append(`${namespace}-Customer-2`, [event('B')]);
      await waitUntilVisible(sut(), second.position);
      const head = await sut().headPosition();

      if (before !== undefined)
        expect(Math.sign(sut().comparePositions(before, first.position))).toBe(-1);
      expect(Math.sign(sut().comparePositions(first.position, second.position))).toBe(-1);
      expect(Math.sign(sut().comparePositions(second.position, first.position))).toBe(1);
      expect(sut().comparePositions(second.position, second.position)).toBe(0);
      expect(head).toBeDefined();
      expect(sut().comparePositions(head as Position, second.position)).toBeGreaterThanOrEqual(0);
    });

    it('answers ping, then refuses work once closed', async () => {
      await expect(sut().ping()).resolves.toBeUndefined();
      await sut().close();
      await expect(sut().close()).resolves.toBeUndefined();
      await expectStoreError(sut().ping(), 'EVENT_STORE.UNAVAILABLE');
      await expectStoreError(
        sut().append(`${newNamespace()}-Customer-1`, [event('A')]),
        'EVENT_STORE.UNAVAILABLE',
      );
    });
  });
};
