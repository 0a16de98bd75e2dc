import { describe, expect, it } from 'vitest';
import { backoffDelay, isNonRetryableError, NonRetryableError, shouldRetry } from './retry.js';

describe('backoffDelay', () => {
  it.each<[Parameters<typeof backoffDelay>[0], number, number]>([
    [undefined, 1, 0],
    [{ type: 'fixed', delayMs: 500 }, 1, 500],
    [{ type: 'fixed', delayMs: 500 }, 4, 500],
    [{ type: 'exponential', delayMs: 100 }, 1, 100],
    [{ type: 'exponential', delayMs: 100 }, 2, 200],
    [{ type: 'exponential', delayMs: 100 }, 5, 1600],
    [{ type: 'exponential', delayMs: 100, maxDelayMs: 1000 }, 5, 1000],
  ])('%j after attempt %i waits %i ms', (backoff, attempt, expected) => {
    expect(backoffDelay(backoff, attempt)).toBe(expected);
  });

  it('spreads delays with jitter between (1 − jitter) × delay and delay', () => {
    const backoff = { type: 'fixed' as const, delayMs: 1000, jitter: 0.5 };
    expect(backoffDelay(backoff, 1, () => 0)).toBe(1000);
    expect(backoffDelay(backoff, 1, () => 0.999999)).toBe(500);
    expect(backoffDelay({ ...backoff, jitter: true }, 1, () => 0.5)).toBe(500);
    expect(backoffDelay({ ...backoff, jitter: false }, 1, () => 0.5)).toBe(1000);
  });
});

describe('shouldRetry', () => {
  it('retries while attempts remain, never a NonRetryableError', () => {
    expect(shouldRetry(new Error('x'), 1, 3)).toBe(true);
    expect(shouldRetry(new Error('x'), 3, 3)).toBe(false);
    expect(shouldRetry(new NonRetryableError('x'), 1, 3)).toBe(false);
    const crossed = Object.assign(new Error('x'), { name: 'NonRetryableError' });
    expect(isNonRetryableError(crossed)).toBe(true);
  });
});
