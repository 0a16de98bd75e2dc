import { copyRecord } from './copy-record.js';
import type { ExecutionQuery, ExecutionRecord, ExecutionStore } from './types.js';

/** Options of {@link memoryExecutionStore}. */
export interface MemoryExecutionStoreConfig {
  /**
   * How many records to keep; past it the oldest finished records are evicted. Running ones stay
   * while finished ones are left to evict: only when more than `maxRecords` runs are in progress
   * (or queued for workers in other processes, which this store never hears from again) do the
   * oldest of them go too, so that memory stays bounded.
   * @defaultValue `1000`
   */
  maxRecords?: number;
}

const RUNNING = new Set(['queued', 'started']);

/** How each memory store keeps a record without copying it: see {@link putLive}. */
const liveWriters = new WeakMap<ExecutionStore, (record: ExecutionRecord) => void>();

/**
 * Saves a record that its writer (the trigger's runner) goes on changing in place and saves again
 * after each change, always in the same synchronous step as the change. A memory store keeps that
 * very object, so saving costs no copy (readers still get copies); any other store gets `put`.
 *
 * @internal
 */
export function putLive(store: ExecutionStore, record: ExecutionRecord): void | Promise<void> {
  const write = liveWriters.get(store);
  // Any other store gets a snapshot: the runner goes on changing the record.
  return write ? write(record) : store.put(copyRecord(record));
}

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
  // Ids in the order they may be evicted, oldest first: iterating the Map from its start would step
  // over every deleted entry still in its table (a FIFO deletes at the front), on every put.
  let order: string[] = [];
  let head = 0;
  // Ids taken out of `order` because they were running, oldest first: each goes back to the end
  // of `order` when its run ends, so no put scans the same running record twice.
  const parked = new Set<string>();

  function evict() {
    while (records.size > maxRecords && head < order.length) {
      const id = order[head] as string;
      // Cleared as it is taken: an evicted id must not outlive its record here.
      order[head++] = undefined as unknown as string;
      const record = records.get(id);
      if (record === undefined) continue;
      if (RUNNING.has(record.status)) parked.add(id);
      else records.delete(id);
    }
    if (head > 1024 && head * 2 > order.length) {
      order = order.slice(head);
      head = 0;
    }
    // Nothing finished is left: the oldest running records go as well.
    for (const id of parked) {
      if (records.size <= maxRecords) break;
      parked.delete(id);
      records.delete(id);
    }
  }

  function keep(record: ExecutionRecord) {
    const kept = records.get(record.id);
    if (kept === undefined) order.push(record.id);
    // A parked record whose run ended can be evicted again, in its turn.
    else if (parked.size > 0 && !RUNNING.has(record.status) && parked.delete(record.id))
      order.push(record.id);
    // The runner's live record, saved again after a change: it is already the one kept.
    if (kept === record) return;
    records.set(record.id, record);
    if (records.size > maxRecords) evict();
  }

  const store: ExecutionStore = {
    put(record) {
      keep(copyRecord(record));
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
  liveWriters.set(store, keep);
  return store;
}
