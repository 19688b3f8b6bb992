import type { EventStore } from '@custodia/event-store';
import { interleave, median, rate, timedWindow, type Window } from './measure';
import { benchEvent } from './payload';
import type { RawBaseline } from './raw-baseline';
import { row, type Row } from './report';

export type AppendSettings = {
  readonly rounds: number;
  readonly windowMs: number;
  readonly warmupMs: number;
  readonly writers: readonly number[];
  readonly batchSize: number;
  readonly batchWriters: number;
};

type Side = { readonly store: EventStore; readonly raw: RawBaseline; readonly s: AppendSettings };

const windowMs = (s: AppendSettings, round: number): number =>
  round < 0 ? s.warmupMs : s.windowMs;

/** Each writer appends to its own fresh stream per window, so nobody contends on a stream. */
const streamId = (kind: string, writers: number, round: number, worker: number): string =>
  `bench-${kind}-${writers}w-r${round + 1}-${worker}`;

const compare = async (
  side: Side,
  subject: (round: number) => Promise<Window>,
  reference: (round: number) => Promise<Window>,
): Promise<{ value: number; reference: number }> => {
  const result = await interleave(
    side.s.rounds,
    { label: 'store', run: subject },
    { label: 'raw', run: reference },
  );
  return {
    value: median(result.subject.map(rate)),
    reference: median(result.reference.map(rate)),
  };
};

/** One event per append; the writer passes the revision it expects, as a command handler does. */
const single = async (side: Side, writers: number): Promise<Row> => {
  const { store, raw, s } = side;
  const measured = await compare(
    side,
    (round) =>
      timedWindow(writers, windowMs(s, round), async (worker, i) => {
        await store.append(streamId('one', writers, round, worker), [benchEvent(i)], {
          expectedRevision: i === 0 ? 'no_stream' : i - 1,
        });
        return 1;
      }),
    (round) =>
      timedWindow(writers, windowMs(s, round), async (worker, i) => {
        await raw.insert(streamId('one', writers, round, worker), i, [benchEvent(i)]);
        return 1;
      }),
  );
  return row(
    `append 1 event, ${writers} writer${writers === 1 ? '' : 's'}`,
    'events/s',
    measured.value,
    measured.reference,
    writers === 8 ? { on: 'ratio', op: '>=', target: 0.6 } : null,
  );
};

/** `batchSize` events per append into one stream, against one multi-row INSERT of the same rows. */
const batched = async (side: Side): Promise<Row> => {
  const { store, raw, s } = side;
  const n = s.batchSize;
  const batch = (i: number) => Array.from({ length: n }, (_, k) => benchEvent(i * n + k));
  const measured = await compare(
    side,
    (round) =>
      timedWindow(s.batchWriters, windowMs(s, round), async (worker, i) => {
        await store.append(streamId('batch', s.batchWriters, round, worker), batch(i), {
          expectedRevision: i === 0 ? 'no_stream' : i * n - 1,
        });
        return n;
      }),
    (round) =>
      timedWindow(s.batchWriters, windowMs(s, round), async (worker, i) => {
        await raw.insert(streamId('batch', s.batchWriters, round, worker), i * n, batch(i));
        return n;
      }),
  );
  return row(
    `append ${n}-event batch, ${s.batchWriters} writer${s.batchWriters === 1 ? '' : 's'}`,
    'events/s',
    measured.value,
    measured.reference,
    { on: 'ratio', op: '>=', target: 0.5 },
  );
};

export const appendBenchmarks = async (
  store: EventStore,
  raw: RawBaseline,
  s: AppendSettings,
  progress: (line: string) => void,
): Promise<Row[]> => {
  const rows: Row[] = [];
  for (const writers of s.writers) {
    progress(`single-event appends, ${writers} writer(s)`);
    rows.push(await single({ store, raw, s }, writers));
  }
  progress(`${s.batchSize}-event batched appends`);
  rows.push(await batched({ store, raw, s }));
  return rows;
};
