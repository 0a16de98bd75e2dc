import type { CloseOptions } from './types.js';

/** Timers hold 32-bit signed milliseconds: a longer delay would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The close timeout of `options`: `timeoutMs` (default 30 s), or 0 without `drain`.
 *
 * @throws RangeError for a negative or non-integer `timeoutMs`.
 */
export function resolveCloseTimeout(options: CloseOptions): number {
  const timeoutMs = options.drain === false ? 0 : (options.timeoutMs ?? 30_000);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 0) {
    throw new RangeError(
      `close: timeoutMs must be a non-negative integer, received ${String(timeoutMs)}`,
    );
  }
  return timeoutMs;
}

/**
 * Waits for `work` for at most the close timeout of `options` (default 30 s; 0 without `drain`).
 *
 * @returns `true` when the time ran out first.
 * @throws RangeError for a negative or non-integer `timeoutMs`.
 */
export async function waitUntilDeadline(
  work: Promise<unknown>,
  options: CloseOptions,
): Promise<boolean> {
  const timeoutMs = options.drain === false ? 0 : (options.timeoutMs ?? 30_000);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 0) {
    throw new RangeError(
      `close: timeoutMs must be a non-negative integer, received ${String(timeoutMs)}`,
    );
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(resolve, Math.min(timeoutMs, MAX_TIMER_MS), true);
  });
  try {
    return await Promise.race([work.then(() => false), late]);
  } finally {
    clearTimeout(timer);
  }
}
