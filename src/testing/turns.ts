import { onNextTurn } from '../runner/next-turn.js';

export { pause } from '../runner/next-turn.js';

/** Resolves on a later turn of the event loop (after pending promise jobs and I/O callbacks). */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => onNextTurn(resolve));
}
