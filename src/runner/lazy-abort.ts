import type { ResponseSpec } from '../response/index.js';
import type { RunApi } from './types.js';

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

/**
 * The `run` a workflow is handed. A class, never an object literal: a literal with its own
 * `signal` getter gets a hidden class of its own on every run, and V8 puts hidden classes with the
 * long-lived objects, so each one would keep its run's whole delivery (context, body, record) alive
 * through every minor collection until the next full one.
 */
export class RunHandle implements RunApi {
  readonly respond: (spec: ResponseSpec) => void;
  readonly attempt: number;
  readonly #abort: LazyAbort;

  constructor(abort: LazyAbort, attempt: number, respond: (spec: ResponseSpec) => void) {
    this.#abort = abort;
    this.attempt = attempt;
    this.respond = respond;
  }

  get signal(): AbortSignal {
    return this.#abort.signal;
  }
}

/** Creates a {@link LazyAbort}, also following `external` when given. */
export function createLazyAbort(external?: AbortSignal): LazyAbort {
  return new LazyAbortSignal(external);
}
