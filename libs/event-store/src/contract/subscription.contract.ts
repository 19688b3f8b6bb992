import type { NewEvent } from '../event-store.port';
import {
  type ContractContext,
  collect,
  event,
  expectAscending,
  ids,
  newNamespace,
  sleep,
  waitFor,
} from './contract-support';

export const subscriptionCases = ({ fixture, harness }: ContractContext): void => {
  const sut = () => fixture().store;
  const quietly = () => sleep(harness?.quietPeriodMs ?? 300);

  /** A namespace, its filter and the head before anything of it was written. */
  const scope = async () => {
    const namespace = newNamespace();
    const filter = { streamPrefixes: [`${namespace}-`] };
    return { namespace, filter, start: await sut().headPosition() };
  };
  const appendEach = async (namespace: string, count: number): Promise<NewEvent[]> => {
    const appended = [];
    for (let index = 0; index < count; index++) {
      const next = event(`E${index}`);
      await sut().append(`${namespace}-Customer-${index % 3}`, [next]);
      appended.push(next);
    }
    return appended;
  };

  describe('subscribeToAll', () => {
    it('catches up on past events, then delivers live ones, in global order', async () => {
      const { namespace, filter, start } = await scope();
      const past = await appendEach(namespace, 3);
      const sub = collect(sut().subscribeToAll({ from: start, filter }));
      await waitFor(() => sub.received.length >= 3, 'past events');

      const live = [event('Live1'), event('Live2')];
      await sut().append(`${namespace}-Order-1`, [live[0]]);
      await sut().append(`${namespace}-Customer-0`, [live[1]]);
      await waitFor(() => sub.received.length >= 5, 'live events');
      await quietly();
      await sub.stop();

      expect(sub.failure()).toBeUndefined();
      expect(sub.ids()).toEqual(ids([...past, ...live]));
      expect(sub.ids()).toEqual(ids(await sut().readAll({ from: start, filter })));
      expectAscending(
        sut(),
        sub.received.map((e) => e.position),
      );
    });

    it('resumes after a checkpoint with no loss and no duplicate', async () => {
      const { namespace, filter, start } = await scope();
      const first = await appendEach(namespace, 5);
      const before = collect(sut().subscribeToAll({ from: start, filter }));
      await waitFor(() => before.received.length >= 3, 'three events');
      await before.stop();
      const checkpoint = before.received[2].position;

      const more = await appendEach(namespace, 3);
      const after = collect(sut().subscribeToAll({ from: checkpoint, filter }));
      await waitFor(() => after.received.length >= 5, 'the rest');
      const live = event('Live');
      await sut().append(`${namespace}-Customer-9`, [live]);
      await waitFor(() => after.received.length >= 6, 'the live event');
      await quietly();
      await after.stop();

      expect(after.ids()).toEqual(ids([...first.slice(3), ...more, live]));
    });

    it('delivers only events that match its filter', async () => {
      const { namespace, start } = await scope();
      const filter = { eventTypes: ['Wanted'], streamPrefixes: [`${namespace}-Customer-`] };
      const sub = collect(sut().subscribeToAll({ from: start, filter }));
      const wanted = [event('Wanted'), event('Wanted')];
      await sut().append(`${namespace}-Customer-1`, [event('Other'), wanted[0]]);
      await sut().append(`${namespace}-Order-1`, [event('Wanted')]);
      await sut().append(`${namespace}-Customer-2`, [wanted[1], event('Other')]);
      await waitFor(() => sub.received.length >= 2, 'matching events');
      await quietly();
      await sub.stop();

      expect(sub.ids()).toEqual(ids(wanted));
    });

    it('ends its iteration on close while others keep receiving', async () => {
      const { namespace, filter, start } = await scope();
      const closing = collect(sut().subscribeToAll({ from: start, filter }));
      const staying = collect(sut().subscribeToAll({ from: start, filter }));
      await quietly();
      await closing.stop();

      const next = event('AfterClose');
      await sut().append(`${namespace}-Customer-1`, [next]);
      await waitFor(() => staying.received.length >= 1, 'the event on the open subscription');
      await quietly();
      await staying.stop();

      expect(closing.received).toEqual([]);
      expect(closing.failure()).toBeUndefined();
      expect(staying.ids()).toEqual([next.id]);
    });

    it('ends every open subscription when the store closes', async () => {
      const { filter, start } = await scope();
      const sub = collect(sut().subscribeToAll({ from: start, filter }));
      await quietly();
      await sut().close();
      await expect(sub.ended).resolves.toBeUndefined();
      expect(sub.failure()).toBeUndefined();
    });
  });

  describe('global order with a transaction that commits late', () => {
    const skip = harness?.skipGapTest;
    const gapIt = skip === undefined ? it : it.skip;
    const suffix = skip === undefined ? '' : ` (skipped: ${skip})`;

    const holdOpen = (streamId: string, events: NewEvent[]) => {
      const hold = fixture().holdOpenAppend;
      if (!hold) throw new Error('the harness must provide holdOpenAppend or skipGapTest');
      return hold(streamId, events);
    };

    gapIt(
      `neither skips nor reorders events committed behind an open append${suffix}`,
      async () => {
        const { namespace, filter, start } = await scope();
        const sub = collect(sut().subscribeToAll({ from: start, filter }));
        const [a, held, b, c] = [event('A'), event('Held'), event('B'), event('C')];
        const first = await sut().append(`${namespace}-Customer-1`, [a]);
        await waitFor(() => sub.received.length >= 1, 'the first event');

        const transaction = await holdOpen(`${namespace}-Customer-2`, [held]);
        let open = true;
        try {
          await sut().append(`${namespace}-Customer-3`, [b]);
          const last = await sut().append(`${namespace}-Customer-1`, [c]);

          // B and C are committed, but they sit behind the open append: nobody may see them yet.
          expect(ids(await sut().readAll({ from: start, filter }))).toEqual([a.id]);
          const head = await sut().headPosition();
          expect(sut().comparePositions(head ?? first.position, last.position)).toBeLessThan(0);
          await quietly();
          expect(sub.ids()).toEqual([a.id]);

          await transaction.commit();
          open = false;
        } finally {
          if (open) await transaction.rollback();
        }

        await waitFor(() => sub.received.length >= 4, 'all four events');
        await quietly();
        await sub.stop();
        const inOrder = [a.id, held.id, b.id, c.id];
        expect(sub.ids()).toEqual(inOrder);
        expect(ids(await sut().readAll({ from: start, filter }))).toEqual(inOrder);
        expect(ids(await sut().readAll({ from: first.position, filter }))).toEqual(
          inOrder.slice(1),
        );
        expectAscending(
          sut(),
          sub.received.map((e) => e.position),
        );
      },
    );

    gapIt(
      `readAll({ committed: true }) sees events held back by an open append${suffix}`,
      async () => {
        const { namespace, filter, start } = await scope();
        const transaction = await holdOpen(`${namespace}-Customer-1`, [event('Held')]);
        const behind = event('Behind');
        try {
          await sut().append(`${namespace}-Customer-2`, [behind]);
          expect(ids(await sut().readAll({ from: start, filter }))).toEqual([]);
          expect(ids(await sut().readAll({ from: start, filter, committed: true }))).toEqual([
            behind.id,
          ]);
        } finally {
          await transaction.rollback();
        }
      },
    );

    gapIt(`moves on when an open append rolls back${suffix}`, async () => {
      const { namespace, filter, start } = await scope();
      const sub = collect(sut().subscribeToAll({ from: start, filter }));
      const transaction = await holdOpen(`${namespace}-Customer-1`, [event('RolledBack')]);
      const later = event('Later');
      try {
        await sut().append(`${namespace}-Customer-2`, [later]);
        await quietly();
        expect(sub.received).toEqual([]);
      } finally {
        await transaction.rollback();
      }
      await waitFor(() => sub.received.length >= 1, 'the later event');
      await quietly();
      await sub.stop();
      expect(sub.ids()).toEqual([later.id]);
    });
  });
};
