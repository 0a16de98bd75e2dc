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

class LazyAbortSignal implements LazyAbort {
  #controller: AbortController | undefined;
  #signal: AbortSignal | undefined;
  #aborted = false;
  #reason: unknown;
  readonly #external: AbortSignal | undefined;

  constructor(external: AbortSignal | undefined) {
    this.#external = external;
  }

  get signal(): AbortSignal {
    if (!this.#signal) {
      const controller = new AbortController();
      this.#controller = controller;
      if (this.#aborted) controller.abort(this.#reason);
      this.#signal = this.#external
        ? AbortSignal.any([controller.signal, this.#external])
        : controller.signal;
    }
    return this.#signal;
  }

  abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    this.#controller?.abort(reason);
  }
}

/** Creates a {@link LazyAbort}, also following `external` when given. */
export function createLazyAbort(external?: AbortSignal): LazyAbort {
  return new LazyAbortSignal(external);
}
