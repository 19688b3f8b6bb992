import type { RecordedEvent } from '../event-store.port';
import { type ContractContext, event, ids, newNamespace } from './contract-support';

/** Pulls `count` events now and returns the iterator to finish later. */
const startScan = async (scan: AsyncIterable<RecordedEvent>, count: number) => {
  const iterator = scan[Symbol.asyncIterator]();
  const first: RecordedEvent[] = [];
  for (let index = 0; index < count; index++) {
    const next = await iterator.next();
    if (next.done === true) break;
    first.push(next.value);
  }
  const rest = async (): Promise<RecordedEvent[]> => {
    const events: RecordedEvent[] = [];
    for (let next = await iterator.next(); next.done !== true; next = await iterator.next())
      events.push(next.value);
    return events;
  };
  return { first, rest, stop: () => iterator.return?.() };
};

export const scanCases = ({ fixture, harness }: ContractContext): void => {
  const sut = () => fixture().store;

  describe('scanAll', () => {
    it('gives the log in global order as of its start, page after page', async () => {
      const namespace = newNamespace();
      const filter = { streamPrefixes: [`${namespace}-`] };
      const written = [event('A'), event('B'), event('C')];
      for (const [index, next] of written.entries())
        await sut().append(`${namespace}-Customer-${index % 2}`, [next]);

      const scan = await startScan(sut().scanAll({ filter, pageSize: 1 }), 1);
      await sut().append(`${namespace}-Customer-0`, [event('Later')]);
      const events = [...scan.first, ...(await scan.rest())];

      expect(ids(events)).toEqual(ids(written));
      const paged = await sut().readAll({ filter, committed: true });
      expect(events.slice(0, 3)).toEqual(paged.slice(0, 3));
    });

    it('can be left early without holding anything', async () => {
      const namespace = newNamespace();
      const filter = { streamPrefixes: [`${namespace}-`] };
      for (const name of ['A', 'B', 'C']) await sut().append(`${namespace}-S`, [event(name)]);
      for (let round = 0; round < 3; round++) {
        const scan = await startScan(sut().scanAll({ filter, pageSize: 1 }), 1);
        await scan.stop();
      }
      expect(ids(await sut().readAll({ filter, committed: true }))).toHaveLength(3);
    });

    const gapIt = harness?.skipGapTest === undefined ? it : it.skip;
    gapIt(
      `includes what an open transaction holds back, not what commits during the scan${
        harness?.skipGapTest === undefined ? '' : ` (skipped: ${harness.skipGapTest})`
      }`,
      async () => {
        const hold = fixture().holdOpenAppend;
        if (!hold) throw new Error('the harness must provide holdOpenAppend or skipGapTest');
        const namespace = newNamespace();
        const filter = { streamPrefixes: [`${namespace}-`] };
        const [a, held, b] = [event('A'), event('Held'), event('B')];
        await sut().append(`${namespace}-Customer-1`, [a]);
        const transaction = await hold(`${namespace}-Customer-2`, [held]);
        let open = true;
        try {
          await sut().append(`${namespace}-Customer-3`, [b]);
          // Gap-safe paging hides B behind the open append (and, on a shared server, maybe
          // more behind other suites' transactions); the scan sees every committed event.
          const scan = await startScan(sut().scanAll({ filter, pageSize: 1 }), 1);
          await transaction.commit();
          open = false;
          expect(ids([...scan.first, ...(await scan.rest())])).toEqual([a.id, b.id]);
        } finally {
          if (open) await transaction.rollback();
        }
        const after = [];
        for await (const next of sut().scanAll({ filter })) after.push(next);
        expect(ids(after)).toEqual([a.id, held.id, b.id]);
      },
    );
  });
};
