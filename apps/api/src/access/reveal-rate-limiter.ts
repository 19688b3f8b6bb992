/**
 * Reveals per user in a sliding hour, in this process (each replica counts its own: the alert
 * rules over the access log see the total). A user under offboarding notice gets fewer.
 */
export class RevealRateLimiter {
  private readonly recent = new Map<string, number[]>();

  constructor(
    private readonly perHour: number,
    private readonly perHourUnderNotice: number,
    private readonly windowMs = 3_600_000,
  ) {}

  /** Takes one reveal of `fields.length` values if the budget allows; false when it does not. */
  tryTake(userId: string, underNotice: boolean, count: number, nowMs: number): boolean {
    const limit = underNotice ? this.perHourUnderNotice : this.perHour;
    const since = nowMs - this.windowMs;
    const times = (this.recent.get(userId) ?? []).filter((at) => at > since);
    if (times.length + count > limit) {
      this.recent.set(userId, times);
      return false;
    }
    for (let i = 0; i < count; i++) times.push(nowMs);
    this.recent.set(userId, times);
    return true;
  }
}

export const REVEAL_RATE_LIMITER = Symbol('REVEAL_RATE_LIMITER');
