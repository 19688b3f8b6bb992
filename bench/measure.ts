import { performance } from 'node:perf_hooks';

/** One side of a comparison: the code under test or the raw baseline it is measured against. */
export type Contender<T> = { readonly label: string; run(round: number): Promise<T> };

export type Paired<T> = { readonly subject: T[]; readonly reference: T[] };

/**
 * Runs subject and reference alternately (ABBA…), after one discarded warm-up round each, so that
 * drift (table growth, checkpoints, autovacuum, CPU boost) hits both sides alike.
 */
export const interleave = async <T>(
  rounds: number,
  subject: Contender<T>,
  reference: Contender<T>,
): Promise<Paired<T>> => {
  await subject.run(-1);
  await reference.run(-1);
  const result: Paired<T> = { subject: [], reference: [] };
  for (let round = 0; round < rounds; round += 1) {
    if (round % 2 === 0) {
      result.subject.push(await subject.run(round));
      result.reference.push(await reference.run(round));
    } else {
      result.reference.push(await reference.run(round));
      result.subject.push(await subject.run(round));
    }
  }
  return result;
};

export type Window = { readonly events: number; readonly seconds: number };

/** Events per second of one measured window. */
export const rate = (window: Window): number => window.events / window.seconds;

/**
 * `concurrency` workers each call `op` back to back until `durationMs` has passed; the window
 * ends when the last in-flight call returns. `op` returns how many events it wrote or read.
 */
export const timedWindow = async (
  concurrency: number,
  durationMs: number,
  op: (worker: number, iteration: number) => Promise<number>,
): Promise<Window> => {
  const start = performance.now();
  const deadline = start + durationMs;
  let events = 0;
  const worker = async (id: number): Promise<void> => {
    for (let i = 0; performance.now() < deadline; i += 1) {
      const done = await op(id, i); // not `events += await …`: that reads `events` before awaiting
      events += done;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, id) => worker(id)));
  return { events, seconds: (performance.now() - start) / 1000 };
};

export const median = (values: readonly number[]): number => percentile(values, 50);

/** Nearest-rank percentile (p in 0..100). */
export const percentile = (values: readonly number[], p: number): number => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
};

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));
