import type { BackoffConfig } from './types.js';

/**
 * Thrown by a workflow to fail the run at once: no further attempts, straight to the dead letter.
 *
 * @example
 * ```ts
 * if (!isKnownCustomer(ctx.body)) throw new NonRetryableError('unknown customer');
 * ```
 */
export class NonRetryableError extends Error {
  /**
   * @param message - why retrying cannot help.
   * @param options - `cause`, kept for logs.
   */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NonRetryableError';
  }
}

/**
 * Tells whether an error says "do not retry": a {@link NonRetryableError}, or any error named so
 * (errors that crossed a process boundary lose their class).
 *
 * @param error - anything thrown.
 * @returns `true` when retrying is pointless.
 * @example
 * ```ts
 * isNonRetryableError(new NonRetryableError('bad input')); // true
 * ```
 */
export function isNonRetryableError(error: unknown): boolean {
  return (
    error instanceof NonRetryableError ||
    (error instanceof Error && error.name === 'NonRetryableError')
  );
}

/** Whether a failed attempt gets another one: attempts remain and the error allows it. */
export function shouldRetry(error: unknown, attempt: number, attempts: number): boolean {
  return attempt < attempts && !isNonRetryableError(error);
}

/**
 * The delay before attempt `attempt + 1`, after attempt `attempt` failed: fixed or doubling from
 * `delayMs`, capped at `maxDelayMs`, with `jitter` spreading it randomly down to
 * `(1 − jitter) × delay` so that retries of many deliveries do not arrive at once.
 */
export function backoffDelay(
  backoff: BackoffConfig | undefined,
  attempt: number,
  random = Math.random,
): number {
  if (!backoff) return 0;
  const base =
    backoff.type === 'exponential' ? backoff.delayMs * 2 ** (attempt - 1) : backoff.delayMs;
  const capped = Math.min(base, backoff.maxDelayMs ?? Number.POSITIVE_INFINITY);
  const jitter = backoff.jitter === true ? 1 : backoff.jitter === false ? 0 : (backoff.jitter ?? 0);
  return Math.round(capped * (1 - jitter * random()));
}
