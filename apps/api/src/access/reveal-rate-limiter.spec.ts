import { RevealRateLimiter } from './reveal-rate-limiter';

describe(RevealRateLimiter.name, () => {
  const HOUR = 3_600_000;

  it('allows up to the hourly budget per user, counting each field revealed', () => {
    const sut = new RevealRateLimiter(5, 2);
    expect(sut.tryTake('a', false, 3, 0)).toBe(true);
    expect(sut.tryTake('a', false, 3, 1)).toBe(false); // 3 + 3 > 5: nothing taken
    expect(sut.tryTake('a', false, 2, 2)).toBe(true);
    expect(sut.tryTake('a', false, 1, 3)).toBe(false);
    expect(sut.tryTake('b', false, 5, 3)).toBe(true); // another user has a budget of their own
  });

  it('slides: reveals older than an hour no longer count', () => {
    const sut = new RevealRateLimiter(2, 1);
    expect(sut.tryTake('a', false, 2, 0)).toBe(true);
    expect(sut.tryTake('a', false, 1, HOUR - 1)).toBe(false);
    expect(sut.tryTake('a', false, 1, HOUR + 1)).toBe(true);
  });

  it('gives a user under notice the lower budget', () => {
    const sut = new RevealRateLimiter(30, 2);
    expect(sut.tryTake('leaving', true, 2, 0)).toBe(true);
    expect(sut.tryTake('leaving', true, 1, 10)).toBe(false);
  });
});
