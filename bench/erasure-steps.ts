import { performance } from 'node:perf_hooks';

/**
 * BENCH_ERASURE_STEPS=1: wraps the methods of the executor's collaborators (store, vault,
 * privacy requests) so that each erasure's time is split per call, for diagnosing a tail.
 */
export type StepLog = { take(): Array<[string, number]> };

export const traceSteps = (owners: Readonly<Record<string, object>>): StepLog => {
  let log: Array<[string, number]> = [];
  for (const [label, owner] of Object.entries(owners)) {
    const target = owner as Record<string, unknown>;
    let proto: object | null = Object.getPrototypeOf(owner) as object | null;
    const names = new Set<string>(Object.keys(owner));
    while (proto !== null && proto !== Object.prototype) {
      for (const name of Object.getOwnPropertyNames(proto)) names.add(name);
      proto = Object.getPrototypeOf(proto) as object | null;
    }
    for (const name of names) {
      const fn = target[name];
      if (name === 'constructor' || typeof fn !== 'function') continue;
      target[name] = function (this: unknown, ...args: unknown[]): unknown {
        const started = performance.now();
        const result: unknown = (fn as (...a: unknown[]) => unknown).apply(this, args);
        if (result instanceof Promise) {
          return result.finally(() => log.push([`${label}.${name}`, performance.now() - started]));
        }
        return result;
      };
    }
  }
  return {
    take: () => {
      const taken = log;
      log = [];
      return taken;
    },
  };
};
