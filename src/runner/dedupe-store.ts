import type { SentResponse } from '../response/types.js';
import type { DedupeStore } from './types.js';

/** Options of {@link memoryDedupeStore}. */
export interface MemoryDedupeStoreConfig {
  /** The current time in epoch milliseconds (tests pass a fake one). @defaultValue `Date.now` */
  clock?: () => number;
  /**
   * How many keys to keep; past it expired keys go first, then the oldest.
   * @defaultValue `100000`
   */
  maxKeys?: number;
}

interface Claim {
  expiresAt: number;
  response?: SentResponse;
}

/**
 * An in-memory {@link DedupeStore}: the default of triggers with `dedupe`. Keys live in this process
 * only; use a shared store when several processes accept deliveries.
 *
 * @param config - `clock` and `maxKeys`.
 * @returns the store.
 * @throws RangeError when `maxKeys` is not a positive integer.
 * @example
 * ```ts
 * createWebhookTrigger({ workflow, dedupe: { key: 'webhook-id', store: memoryDedupeStore() } });
 * ```
 */
export function memoryDedupeStore(config: MemoryDedupeStoreConfig = {}): DedupeStore {
  const clock = config.clock ?? Date.now;
  const maxKeys = config.maxKeys ?? 100_000;
  if (!Number.isInteger(maxKeys) || maxKeys < 1) {
    throw new RangeError(`maxKeys must be a positive integer, received ${String(maxKeys)}`);
  }
  const claims = new Map<string, Claim>();

  function live(key: string): Claim | undefined {
    const claim = claims.get(key);
    if (claim && claim.expiresAt <= clock()) {
      claims.delete(key);
      return undefined;
    }
    return claim;
  }

  function makeRoom() {
    const now = clock();
    for (const [key, claim] of claims) if (claim.expiresAt <= now) claims.delete(key);
    // Map order is insertion order: the first keys are the oldest.
    for (const key of claims.keys()) {
      if (claims.size < maxKeys) break;
      claims.delete(key);
    }
  }

  return {
    claim(key, ttlSeconds) {
      if (live(key)) return false;
      if (claims.size >= maxKeys) makeRoom();
      claims.set(key, { expiresAt: clock() + ttlSeconds * 1000 });
      return true;
    },
    release(key) {
      claims.delete(key);
    },
    remember(key, response) {
      const claim = live(key);
      if (claim) claim.response = response;
    },
    recall(key) {
      return live(key)?.response;
    },
  };
}
