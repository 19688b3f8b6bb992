import type { ProjectionRunner, ProjectionStatus } from '@custodia/read-store';

export type CatchUpProgress = {
  readonly live: number;
  readonly total: number;
  /** Events applied so far, summed over projections (as stored in their checkpoints). */
  readonly applied: number;
};

export type CatchUpResult = CatchUpProgress & {
  /** Held by another process (a running API or projector), which keeps them up to date. */
  readonly elsewhere: readonly string[];
};

export type CatchUpOptions = {
  readonly pollMs?: number;
  /** A projection still waiting for its lock after this long is left to its holder. */
  readonly lockWaitMs?: number;
  /** A projection failing for this long stops the catch-up with an error. */
  readonly failingMs?: number;
  readonly now?: () => number;
};

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Starts the runner and waits until every projection has read to the end of the log (`live`),
 * or is run by another process; then stops it. For `seed --project`.
 */
export const catchUpProjections = async (
  runner: ProjectionRunner,
  onProgress: (progress: CatchUpProgress) => void,
  options: CatchUpOptions = {},
): Promise<CatchUpResult> => {
  const { pollMs = 500, lockWaitMs = 6_000, failingMs = 120_000, now = () => Date.now() } = options;
  const started = now();
  runner.start();
  try {
    for (;;) {
      await sleep(pollMs);
      const statuses = await runner.status();
      const progress = summarise(statuses);
      onProgress(progress);
      const waited = now() - started;
      const failing = statuses.find(
        (s) => s.failure !== undefined && now() - s.failure.since.getTime() > failingMs,
      );
      if (failing !== undefined) {
        throw new Error(`projection ${failing.name} keeps failing (${failing.failure?.error})`);
      }
      const elsewhere = statuses
        .filter((s) => s.state === 'waiting_for_lock' && waited > lockWaitMs)
        .map((s) => s.name);
      if (statuses.every((s) => s.state === 'live' || elsewhere.includes(s.name))) {
        return { ...progress, elsewhere };
      }
    }
  } finally {
    await runner.stop();
  }
};

const summarise = (statuses: readonly ProjectionStatus[]): CatchUpProgress => ({
  live: statuses.filter((s) => s.state === 'live').length,
  total: statuses.length,
  applied: statuses.reduce((sum, s) => sum + (s.checkpoint?.eventsApplied ?? 0), 0),
});
