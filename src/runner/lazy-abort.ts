/**
 * An abort signal made only when someone reads it: most workflows never look at `run.signal`, and
 * AbortController plus AbortSignal.any cost more than the rest of an async delivery's bookkeeping.
 */
export interface LazyAbort {
  /** The signal: aborted when `abort` was called or `external` aborts. */
  readonly signal: AbortSignal;
  /** Aborts the signal (now, or as soon as it is made). */
  abort(reason: unknown): void;
}

/** Creates a {@link LazyAbort}, also following `external` when given. */
export function createLazyAbort(external?: AbortSignal): LazyAbort {
  let controller: AbortController | undefined;
  let signal: AbortSignal | undefined;
  let aborted = false;
  let abortReason: unknown;
  return {
    get signal() {
      if (!signal) {
        controller = new AbortController();
        if (aborted) controller.abort(abortReason);
        signal = external ? AbortSignal.any([controller.signal, external]) : controller.signal;
      }
      return signal;
    },
    abort(reason) {
      if (aborted) return;
      aborted = true;
      abortReason = reason;
      controller?.abort(reason);
    },
  };
}
