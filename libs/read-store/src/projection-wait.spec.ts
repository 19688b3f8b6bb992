import { backoffDelay, sleep, WakeSignal } from './projection-wait';

describe(backoffDelay.name, () => {
  it('doubles from the initial delay and stops at the cap', () => {
    const options = { initialMs: 100, maxMs: 1_000 };
    expect([1, 2, 3, 4, 5, 6].map((attempt) => backoffDelay(attempt, options))).toEqual([
      100, 200, 400, 800, 1_000, 1_000,
    ]);
  });

  it('stays finite for absurd attempt counts', () => {
    expect(backoffDelay(10_000, { initialMs: 500, maxMs: 60_000 })).toBe(60_000);
  });
});

describe(sleep.name, () => {
  it('returns at once when the signal aborts', async () => {
    const abort = new AbortController();
    const started = Date.now();
    const done = sleep(10_000, abort.signal);
    abort.abort();
    await done;
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

describe(WakeSignal.name, () => {
  it('resolves true when woken while waiting', async () => {
    const sut = new WakeSignal();
    const waiting = sut.wait(10_000);
    sut.wake();
    await expect(waiting).resolves.toBe(true);
  });

  it('keeps a wake that arrives before the wait, once', async () => {
    const sut = new WakeSignal();
    sut.wake();
    sut.wake();
    await expect(sut.wait(10_000)).resolves.toBe(true);
    await expect(sut.wait(10)).resolves.toBe(false);
  });

  it('resolves false on timeout and on abort', async () => {
    const sut = new WakeSignal();
    await expect(sut.wait(10)).resolves.toBe(false);
    const abort = new AbortController();
    const waiting = sut.wait(10_000, abort.signal);
    abort.abort();
    await expect(waiting).resolves.toBe(false);
    const aborted = new AbortController();
    aborted.abort();
    await expect(sut.wait(10_000, aborted.signal)).resolves.toBe(false);
  });
});
