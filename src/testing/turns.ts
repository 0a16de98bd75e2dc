/**
 * The runtime's own timers, taken when this module loads: a test that later swaps the globals for
 * fake ones (`vi.useFakeTimers()`) must not stop the helpers from waiting.
 */
const realSetTimeout = globalThis.setTimeout.bind(globalThis);
const realClearTimeout = globalThis.clearTimeout.bind(globalThis);
const immediate = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate;
const realSetImmediate = immediate?.bind(globalThis);

/** Resolves on a later turn of the event loop (after pending promise jobs and I/O callbacks). */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => {
    // Runtimes without setImmediate (Deno, browsers) get a zero-delay timer: slower, same order.
    if (realSetImmediate) realSetImmediate(resolve);
    else realSetTimeout(resolve, 0);
  });
}

/** A real-time pause that can be cut short: `cancel()` clears its timer. */
export function pause(ms: number): { done: Promise<void>; cancel: () => void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const done = new Promise<void>((resolve) => {
    timer = realSetTimeout(resolve, ms);
  });
  return { done, cancel: () => realClearTimeout(timer) };
}
