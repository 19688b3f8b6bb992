export type BackoffOptions = {
  /** Delay after the first failure. */
  readonly initialMs: number;
  /** Upper bound, so a poisoned projection is retried at a steady, cheap pace. */
  readonly maxMs: number;
};

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 60_000 };

/** Exponential backoff: initial, 2×, 4×, … capped at max. `attempt` counts from 1. */
export const backoffDelay = (attempt: number, options: BackoffOptions = DEFAULT_BACKOFF): number =>
  Math.min(options.maxMs, options.initialMs * 2 ** Math.max(0, Math.min(attempt - 1, 30)));

/** Resolves after `ms`, or at once when the signal aborts. Never rejects. */
export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });

/**
 * A wake-up flag for an idle loop: `wait` resolves on timeout, abort, or `wake()`. A wake that
 * arrives while nobody waits is kept, so an event appended between a read and the wait is not
 * missed.
 */
export class WakeSignal {
  private pending = false;
  private resolveWaiter: (() => void) | undefined;

  wake(): void {
    if (this.resolveWaiter) this.resolveWaiter();
    else this.pending = true;
  }

  /** Resolves `true` when woken, `false` on timeout or abort. */
  wait(ms: number, signal?: AbortSignal): Promise<boolean> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const finish = (woken: boolean): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.resolveWaiter = undefined;
        resolve(woken);
      };
      const onAbort = (): void => finish(false);
      const timer = setTimeout(() => finish(false), ms);
      this.resolveWaiter = () => finish(true);
      if (signal?.aborted) finish(false);
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
