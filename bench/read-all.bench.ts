import { performance } from 'node:perf_hooks';
import type { EventStore, Position } from '@custodia/event-store';
import { interleave, median, rate, type Window } from './measure';
import { benchEvent } from './payload';
import type { RawBaseline } from './raw-baseline';
import { row, type Row } from './report';

export type ReadAllSettings = {
  readonly logSize: number;
  readonly pageSize: number;
  readonly passes: number;
};

/** Tops the store's log up to `logSize` events of the benchmark payload. */
export const seedLog = async (
  raw: RawBaseline,
  logSize: number,
  progress: (line: string) => void,
): Promise<number> => {
  const before = await raw.countStoreEvents();
  const missing = Math.max(0, logSize - before);
  progress(`seeding the log: ${before} → ${before + missing} events`);
  await raw.seedStoreEvents(missing, benchEvent(0));
  return before + missing;
};

/**
 * Pages through the whole log with `readAll({ from, maxCount })`, against a keyset-paged
 * `SELECT` of the same rows through the same driver (the floor any adapter can reach).
 */
export const readAllBenchmark = async (
  store: EventStore,
  raw: RawBaseline,
  s: ReadAllSettings,
  progress: (line: string) => void,
): Promise<Row> => {
  progress(`read-all: ${s.passes} passes each, pages of ${s.pageSize}`);
  // The warm-up reads four pages: enough to get the code paths hot without a full extra pass.
  const limit = (round: number): number => (round < 0 ? s.pageSize * 4 : Infinity);
  const storePass = async (round: number): Promise<Window> => {
    let events = 0;
    let from: Position | undefined;
    const start = performance.now();
    for (;;) {
      const page = await store.readAll({ ...(from ? { from } : {}), maxCount: s.pageSize });
      events += page.length;
      if (page.length === 0 || events >= limit(round)) break;
      from = page[page.length - 1].position;
    }
    return { events, seconds: (performance.now() - start) / 1000 };
  };
  const rawPass = async (round: number): Promise<Window> => {
    let events = 0;
    let after = '0';
    const start = performance.now();
    for (;;) {
      const page = await raw.readPage(after, s.pageSize);
      events += page.count;
      if (page.count === 0 || events >= limit(round)) break;
      after = page.last;
    }
    return { events, seconds: (performance.now() - start) / 1000 };
  };
  const result = await interleave(
    s.passes,
    { label: 'store', run: storePass },
    { label: 'raw', run: rawPass },
  );
  return row(
    `readAll, pages of ${s.pageSize.toLocaleString('en-US')}`,
    'events/s',
    median(result.subject.map(rate)),
    median(result.reference.map(rate)),
    { on: 'value', op: '>=', target: 200_000 },
  );
};
