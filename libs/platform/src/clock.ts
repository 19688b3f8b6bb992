/** Time comes in from outside; domain code never calls `new Date()` itself. */
export type Clock = { now(): Date };

export const systemClock: Clock = { now: () => new Date() };

export const CLOCK = Symbol('CLOCK');
