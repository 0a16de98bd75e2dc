import { copyRecord } from './copy-record.js';
import type { ExecutionQuery, ExecutionRecord, ExecutionStore } from './types.js';

/** Options of {@link memoryExecutionStore}. */
export interface MemoryExecutionStoreConfig {
  /**
   * How many records to keep; past it the oldest finished records are evicted (never a running one).
   * @defaultValue `1000`
   */
  maxRecords?: number;
}

const RUNNING = new Set(['queued', 'started']);

/**
 * An in-memory, bounded {@link ExecutionStore}: the default of every trigger.
 *
 * @param config - `maxRecords`.
 * @returns the store.
 * @throws RangeError when `maxRecords` is not a positive integer.
 * @example
 * ```ts
 * const trigger = createWebhookTrigger({ workflow, executions: memoryExecutionStore({ maxRecords: 50 }) });
 * ```
 */
export function memoryExecutionStore(config: MemoryExecutionStoreConfig = {}): ExecutionStore {
  const maxRecords = config.maxRecords ?? 1000;
  if (!Number.isInteger(maxRecords) || maxRecords < 1) {
    throw new RangeError(`maxRecords must be a positive integer, received ${String(maxRecords)}`);
  }
  const records = new Map<string, ExecutionRecord>();

  function evict() {
    // Map iteration is insertion order: the first finished record found is the oldest one.
    for (const [id, record] of records) {
      if (records.size <= maxRecords) return;
      if (!RUNNING.has(record.status)) records.delete(id);
    }
  }

  return {
    put(record) {
      records.set(record.id, copyRecord(record));
      if (records.size > maxRecords) evict();
    },
    get(id) {
      const record = records.get(id);
      return record && copyRecord(record);
    },
    list(query: ExecutionQuery = {}) {
      const out: ExecutionRecord[] = [];
      const all = [...records.values()];
      for (let i = all.length - 1; i >= 0 && out.length < (query.limit ?? Infinity); i--) {
        const record = all[i] as ExecutionRecord;
        if (query.status !== undefined && record.status !== query.status) continue;
        if (query.before !== undefined && !(record.receivedAt < query.before)) continue;
        out.push(copyRecord(record));
      }
      return out;
    },
  };
}
