/**
 * The runtime's own timers, taken when this module loads: a test that later swaps the globals for
 * fake ones (`vi.useFakeTimers()`) must not stop what waits on them.
 */
const realSetTimeout = globalThis.setTimeout.bind(globalThis);
const realClearTimeout = globalThis.clearTimeout.bind(globalThis);
const immediate = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate;
const realSetImmediate = immediate?.bind(globalThis);

/**
 * Calls `callback` on a later turn of the event loop: after the current task, the promise jobs it
 * left and, on Node, the I/O callbacks of this turn. Runtimes without `setImmediate` (Deno,
 * browsers, edge workers) get a zero-delay timer: later, same order.
 *
 * @internal
 */
export function onNextTurn(callback: () => void): void {
  if (realSetImmediate) realSetImmediate(callback);
  else realSetTimeout(callback, 0);
}

const tick = (globalThis as { process?: { nextTick?: (callback: () => void) => void } }).process
  ?.nextTick;

/**
 * Calls `callback` once the promise jobs queued so far have run, and those they queue in turn: on
 * Node (and runtimes with its `process.nextTick`), a tick queued from a promise job runs only after
 * the whole promise job queue is empty. Elsewhere, a promise job of its own.
 *
 * @internal
 */
export function afterPromiseJobs(callback: () => void): void {
  if (tick) tick(callback);
  else void Promise.resolve().then(callback);
}

/**
 * A real-time pause that can be cut short: `cancel()` clears its timer.
 *
 * @internal
 */
export function pause(ms: number): { done: Promise<void>; cancel: () => void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const done = new Promise<void>((resolve) => {
    timer = realSetTimeout(resolve, ms);
  });
  return { done, cancel: () => realClearTimeout(timer) };
}
