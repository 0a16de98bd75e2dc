import { describe, expect, it } from 'vitest';
import { fakeClock } from './fake-clock.js';

describe('fakeClock', () => {
  it('starts at 2024-01-01T00:00:00Z and stays there until advanced', async () => {
    const clock = fakeClock();
    expect(new Date(clock.now()).toISOString()).toBe('2024-01-01T00:00:00.000Z');
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(new Date(clock.now()).toISOString()).toBe('2024-01-01T00:00:00.000Z');
    await clock.advance(1500);
    expect(new Date(clock.now()).toISOString()).toBe('2024-01-01T00:00:01.500Z');
  });

  it.each([
    ['epoch milliseconds', 1_700_000_000_000, 1_700_000_000_000],
    ['a Date', new Date('2023-11-14T22:13:20Z'), 1_700_000_000_000],
    ['an ISO 8601 string', '2023-11-14T22:13:20.000Z', 1_700_000_000_000],
  ])('starts at %s', (_name, now, expected) => {
    expect(fakeClock({ now }).now()).toBe(expected);
  });

  it.each([
    ['a string that is no date', 'yesterday'],
    ['an invalid Date', new Date('nope')],
    ['NaN', Number.NaN],
  ])('refuses %s as now with a TypeError naming the option', (_name, now) => {
    expect(() => fakeClock({ now })).toThrow(TypeError);
    expect(() => fakeClock({ now })).toThrow(/option "now"/);
  });

  it('fires due timers in time order, equal times in the order they were set', async () => {
    const clock = fakeClock({ now: 0 });
    const fired: string[] = [];
    clock.setTimeout(() => fired.push(`c@${clock.now()}`), 300);
    clock.setTimeout(() => fired.push(`a@${clock.now()}`), 100);
    clock.setTimeout(() => fired.push(`b@${clock.now()}`), 100);
    clock.setTimeout(() => fired.push(`late@${clock.now()}`), 301);
    await clock.advance(300);
    expect(fired).toEqual(['a@100', 'b@100', 'c@300']);
    expect(clock.now()).toBe(300);
    expect(clock.pending()).toBe(1);
    await clock.advance(1);
    expect(fired.at(-1)).toBe('late@301');
    expect(clock.pending()).toBe(0);
  });

  it('fires timers that callbacks set when they fall due within the same advance', async () => {
    const clock = fakeClock({ now: 0 });
    const fired: number[] = [];
    clock.setTimeout(() => {
      fired.push(clock.now());
      clock.setTimeout(() => fired.push(clock.now()), 50);
      clock.setTimeout(() => fired.push(clock.now()), 500);
    }, 10);
    await clock.advance(100);
    expect(fired).toEqual([10, 60]);
    expect(clock.pending()).toBe(1);
  });

  it('lets the promise work a callback starts settle before the next timer fires', async () => {
    const clock = fakeClock({ now: 0 });
    const seen: string[] = [];
    clock.setTimeout(async () => {
      await Promise.resolve();
      await new Promise((resolve) => setImmediate(resolve));
      seen.push('first finished');
    }, 10);
    clock.setTimeout(() => seen.push('second fired'), 20);
    await clock.advance(20);
    expect(seen).toEqual(['first finished', 'second fired']);
  });

  it('never fires a cleared timer, and ignores unknown handles', async () => {
    const clock = fakeClock({ now: 0 });
    let fired = false;
    const handle = clock.setTimeout(() => {
      fired = true;
    }, 10);
    clock.clearTimeout(handle);
    clock.clearTimeout('not a handle');
    expect(clock.pending()).toBe(0);
    await clock.advance(100);
    expect(fired).toBe(false);
  });

  it('fires zero, negative and NaN delays on advance(0), not before', async () => {
    const clock = fakeClock({ now: 0 });
    let count = 0;
    for (const ms of [0, -5, Number.NaN]) {
      clock.setTimeout(() => {
        count++;
      }, ms);
    }
    expect(count).toBe(0);
    await clock.advance(0);
    expect(count).toBe(3);
    expect(clock.now()).toBe(0);
  });

  it('runs advances one after the other when they overlap', async () => {
    const clock = fakeClock({ now: 0 });
    const fired: number[] = [];
    clock.setTimeout(() => fired.push(clock.now()), 150);
    await Promise.all([clock.advance(100), clock.advance(100)]);
    expect(fired).toEqual([150]);
    expect(clock.now()).toBe(200);
  });

  it.each([-1, Number.POSITIVE_INFINITY, Number.NaN])(
    'rejects advance(%s) with a RangeError',
    async (ms) => {
      const clock = fakeClock({ now: 0 });
      await expect(clock.advance(ms)).rejects.toThrow(RangeError);
      expect(clock.now()).toBe(0);
    },
  );

  it('rejects with the error a callback throws, stopping at that timer', async () => {
    const clock = fakeClock({ now: 0 });
    let later = false;
    clock.setTimeout(() => {
      throw new Error('boom');
    }, 10);
    clock.setTimeout(() => {
      later = true;
    }, 20);
    await expect(clock.advance(100)).rejects.toThrow('boom');
    expect(clock.now()).toBe(10);
    expect(later).toBe(false);
    expect(clock.pending()).toBe(1);
    await clock.advance(10);
    expect(later).toBe(true);
  });

  it('refuses a setTimeout without a callback', () => {
    const clock = fakeClock();
    expect(() => clock.setTimeout(undefined as unknown as () => void, 10)).toThrow(TypeError);
  });
});
