import type { ProjectionRunner, ProjectionStatus } from '@custodia/read-store';
import { catchUpProjections } from './projection-catch-up';

type State = ProjectionStatus['state'];

/** A runner whose projections go through the given states, one per status() call. */
const runnerThrough = (timelines: Record<string, State[]>) => {
  let calls = 0;
  const log: string[] = [];
  const runner = {
    start: () => log.push('start'),
    stop: () => {
      log.push('stop');
      return Promise.resolve();
    },
    status: () => {
      const at = calls++;
      return Promise.resolve(
        Object.entries(timelines).map(([name, states]): ProjectionStatus => ({
          name,
          version: 1,
          state: states[Math.min(at, states.length - 1)],
          holdingLock: true,
          checkpoint: {
            version: 1,
            position: null,
            eventsApplied: 100 * at,
            updatedAt: new Date(),
          },
          lagSeconds: 0,
          failure: undefined,
        })),
      );
    },
  };
  return { runner: runner as unknown as ProjectionRunner, log };
};

describe('catchUpProjections', () => {
  it('waits until every projection is live, reporting progress, then stops the runner', async () => {
    const { runner, log } = runnerThrough({
      directory: ['catching_up', 'catching_up', 'live'],
      timeline: ['catching_up', 'live'],
    });
    const seen: number[] = [];
    const result = await catchUpProjections(runner, (p) => seen.push(p.live), { pollMs: 1 });
    expect(result).toMatchObject({ live: 2, total: 2, elsewhere: [] });
    expect(seen).toEqual([0, 1, 2]);
    expect(log).toEqual(['start', 'stop']);
  });

  it('leaves a projection whose lock another process holds to that process', async () => {
    let now = 0;
    const { runner } = runnerThrough({
      directory: ['live'],
      alerts: ['waiting_for_lock'],
    });
    const result = await catchUpProjections(runner, () => (now += 1_000), {
      pollMs: 1,
      lockWaitMs: 3_000,
      now: () => now,
    });
    expect(result.elsewhere).toEqual(['alerts']);
    expect(result.live).toBe(1);
  });
});
