import type { SentResponse } from '../response/types.js';
import { copyAttempt, copyRecord, copyResponse } from './copy-record.js';
import { isoMs, isoTime } from './iso-time.js';
import { writeIdBytes } from './random-id.js';
import type {
  AttemptRecord,
  ExecutionError,
  ExecutionQuery,
  ExecutionRecord,
  ExecutionStatus,
  ExecutionStore,
} from './types.js';
import { uuidText } from './uuid.js';

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

/**
 * Whether a record with this status is still to run, or running.
 *
 * @internal
 */
export function isRunning(status: ExecutionStatus): boolean {
  return status === 'queued' || status === 'started';
}

let slotOf: (record: ExecutionRecord) => number;
let setSlot: (record: ExecutionRecord, slot: number) => void;

/**
 * A record the trigger's runner writes, changes in place and saves again after each change. A
 * memory store that keeps it notes on it, in a private field, the slot it keeps it in: the next
 * save finds the slot there, with no index however many runs are in flight. Nobody else sees this
 * object: hooks and readers get copies, which are plain objects.
 *
 * @internal
 */
class LiveRecord implements ExecutionRecord {
  id: string;
  key: string;
  mode: ExecutionRecord['mode'];
  status: ExecutionStatus;
  attempts: number;
  receivedAt: string;
  // Declared only: present once written, as on any record.
  declare startedAt?: string;
  declare finishedAt?: string;
  declare durationMs?: number;
  declare result?: unknown;
  declare error?: ExecutionError;
  declare response?: SentResponse;
  declare warnings?: string[];
  declare history?: AttemptRecord[];
  #slot = -1;

  constructor(
    id: string,
    key: string,
    mode: ExecutionRecord['mode'],
    status: ExecutionStatus,
    receivedAt: string,
  ) {
    this.id = id;
    this.key = key;
    this.mode = mode;
    this.status = status;
    this.attempts = 0;
    this.receivedAt = receivedAt;
  }

  static {
    slotOf = (record) => (#slot in record ? record.#slot : -1);
    setSlot = (record, slot) => {
      if (#slot in record) record.#slot = slot;
    };
  }
}

/**
 * A new record for the runner to write and save with {@link putLive}; its `attempts` is 0.
 *
 * @internal
 */
export function newLiveRecord(
  id: string,
  key: string,
  mode: ExecutionRecord['mode'],
  status: ExecutionStatus,
  receivedAt: string,
): ExecutionRecord {
  return new LiveRecord(id, key, mode, status, receivedAt);
}

/** How each memory store keeps a record of the runner's: see {@link putLive}. */
const liveWriters = new WeakMap<
  ExecutionStore,
  (record: ExecutionRecord, own: boolean, fresh: boolean) => void
>();

/**
 * Saves a record that its writer (the trigger's runner) goes on changing in place and saves again
 * after each change, always in the same synchronous step as the change. A memory store may keep
 * that very object, or parts of it, without copying them (readers still get copies); any other
 * store gets `put` with a copy. `fresh`: the record's id is new, no store can hold it yet (a random
 * UUID of the runner's, saved for the first time), so a memory store need not look it up.
 *
 * @internal
 */
export function putLive(
  store: ExecutionStore,
  record: ExecutionRecord,
  fresh = false,
): void | Promise<void> {
  return livePutOf(store)(record, fresh);
}

/**
 * {@link putLive} for one store, found once: the runner saves each delivery's record three times.
 *
 * @internal
 */
export function livePutOf(
  store: ExecutionStore,
): (record: ExecutionRecord, fresh: boolean) => void | Promise<void> {
  const write = liveWriters.get(store);
  if (write) return (record, fresh) => write(record, true, fresh);
  // Any other store gets a snapshot: the runner goes on changing the record.
  return (record) => store.put(copyRecord(record));
}

const STATUSES: readonly ExecutionStatus[] = [
  'queued',
  'started',
  'resolved',
  'failed',
  'timeout',
  'dead',
];

// A flat record's numbers, at `slot * WIDTH` in the store's `numbers`; NaN where a field is absent.
const RECEIVED = 0;
const STARTED = 1;
const FINISHED = 2;
const DURATION = 3;
const ATTEMPTS = 4;

/** When the record was first kept: a count that only grows, 0 for a free slot. */
const SEQUENCE = 5;
const WIDTH = 6;
/** The timestamps among them: RECEIVED, STARTED, FINISHED. */
const TIMES = 3;

// A flat record's `flags`: its status (an index in STATUSES), its mode, and how its history is kept.
const STATUS_BITS = 0b111;
const SYNC = 1 << 3;
/** Its history is one attempt that the record's own fields describe: attempt, startedAt, … */
const ONE_ATTEMPT = 1 << 4;
/** … finishedAt, durationMs, and the attempt's status, at ATTEMPT_STATUS … */
const ATTEMPT_ENDED = 1 << 5;
const ATTEMPT_STATUS = 6;
/** … and the record's error. */
const ATTEMPT_ERROR = 1 << 9;

/** What few records have: kept beside the flat fields only when present. */
interface Rest {
  error?: ExecutionError;
  warnings?: string[];
  history?: AttemptRecord[];
}

/**
 * The flag bits that describe the record's history, when it is one attempt that repeats the
 * record's own fields, as the history of every run that took one attempt is; else 0.
 */
function attemptBits(record: ExecutionRecord): number {
  const history = record.history;
  if (history?.length !== 1) return 0;
  const entry = history[0] as AttemptRecord;
  if (
    record.startedAt === undefined ||
    entry.startedAt !== record.startedAt ||
    entry.attempt !== record.attempts
  ) {
    return 0;
  }
  let bits = ONE_ATTEMPT;
  let fields = 2;
  if (
    entry.finishedAt !== undefined ||
    entry.durationMs !== undefined ||
    entry.status !== undefined
  ) {
    const status = entry.status === undefined ? -1 : STATUSES.indexOf(entry.status);
    if (
      status < 0 ||
      entry.finishedAt === undefined ||
      entry.finishedAt !== record.finishedAt ||
      entry.durationMs === undefined ||
      entry.durationMs !== record.durationMs
    ) {
      return 0;
    }
    bits |= ATTEMPT_ENDED | (status << ATTEMPT_STATUS);
    fields += 3;
  }
  if (entry.error !== undefined) {
    if (entry.error !== record.error) return 0;
    bits |= ATTEMPT_ERROR;
    fields++;
  }
  let present = 0;
  for (const _ in entry) present++;
  return present === fields ? bits : 0;
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
  // Each record kept has a slot, an index in the arrays below. A record is kept flat: its fields
  // spread over those arrays, timestamps as numbers, its one-attempt history as a few flag bits.
  // Records are then not several small objects each, which every young-generation collection
  // copies while they are kept: kept that way, a thousand records cost a busy server about a tenth
  // of its instructions per delivery in those copies. Readers get records built anew.
  //
  // The id → slot index is built the first time a record must be found by its id (`get`, or a
  // `put` from outside the runner), and kept from then on. Until then the runner's records need
  // none: a new one has a fresh id, and one it saves again carries its slot (LiveRecord). On a
  // busy server the index's work is mostly cache misses: evicting a record looks up an id a
  // thousand deliveries old, and inserting a new id walks a bucket of old ones.
  let index: Map<string, number> | undefined;
  let count = 0;
  let sequence = 0;
  const free: number[] = [];
  let used = 0;
  let capacity = 0;
  // An id that is a UUID as the runner makes them is kept as its 16 bytes in `uuids` (undefined in
  // `ids`): a thousand id strings, each kept as long as its record, were otherwise promoted out of
  // the young generation, one per delivery, at every collection.
  const ids: (string | undefined)[] = [];
  let uuids = new Uint8Array(0);
  const keys: string[] = [];
  let flags = new Uint16Array(0);
  let numbers = new Float64Array(0);
  const responses: (SentResponse | undefined)[] = [];
  const results: unknown[] = [];
  const rests: (Rest | undefined)[] = [];
  // Records kept as they are: the runner's while they run (it changes them and saves them again
  // within moments), and any whose fields have no flat form (a timestamp in another format).
  const wholes: (ExecutionRecord | undefined)[] = [];
  // The timestamps of a running record already read, at `slot * TIMES + field`, their epoch ms in
  // `numbers`: its next save reads only what changed. Cleared once the record is flat.
  const texts: (string | undefined)[] = [];
  // Slots in the order their records may be evicted, oldest first (the index may not exist, and
  // iterating a Map from its start steps over every deleted entry still in its table). Every kept
  // record's slot is here or in `parked`, once; it is released only when taken out.
  let order: number[] = [];
  let head = 0;
  // Slots taken out of `order` because their records were running, oldest first: each goes back to
  // the end of `order` when its run ends, so no put scans the same running record twice.
  const parked = new Set<number>();

  function allocate(id: string): number {
    let slot = free.pop();
    if (slot === undefined) {
      slot = used++;
      if (slot === capacity) {
        // At most maxRecords + 1 are kept at once: one more than the bound, until evict().
        capacity = Math.min(Math.max(16, capacity * 2), maxRecords + 1);
        const grownFlags = new Uint16Array(capacity);
        grownFlags.set(flags);
        flags = grownFlags;
        const grownNumbers = new Float64Array(capacity * WIDTH);
        grownNumbers.set(numbers);
        numbers = grownNumbers;
        const grownUuids = new Uint8Array(capacity * 16);
        grownUuids.set(uuids);
        uuids = grownUuids;
      }
    }
    ids[slot] = writeIdBytes(id, uuids, slot * 16) ? undefined : id;
    numbers[slot * WIDTH + SEQUENCE] = ++sequence;
    count++;
    return slot;
  }

  function idAt(slot: number): string {
    return ids[slot] ?? uuidText(uuids, slot * 16);
  }

  function release(slot: number) {
    if (index) index.delete(idAt(slot));
    numbers[slot * WIDTH + SEQUENCE] = 0;
    count--;
    ids[slot] = undefined;
    wholes[slot] = responses[slot] = results[slot] = rests[slot] = undefined;
    forgetTimes(slot);
    free.push(slot);
  }

  function statusOf(slot: number): ExecutionStatus {
    const whole = wholes[slot];
    return whole
      ? whole.status
      : (STATUSES[(flags[slot] as number) & STATUS_BITS] as ExecutionStatus);
  }

  function keepWhole(slot: number, record: ExecutionRecord) {
    wholes[slot] = record;
    responses[slot] = results[slot] = rests[slot] = undefined;
  }

  /**
   * The epoch ms of one of a record's timestamps (`field`: RECEIVED, STARTED or FINISHED): NaN when
   * absent, undefined when it has no flat form. A text seen at an earlier save of the record is
   * not read again (the runner writes each timestamp once, and saves at once, while isoMs still
   * knows the text it wrote last).
   */
  function timeAt(slot: number, field: number, text: string | undefined): number | undefined {
    if (text === undefined) return Number.NaN;
    const at = slot * TIMES + field;
    if (text === texts[at]) return numbers[slot * WIDTH + field];
    const ms = typeof text === 'string' ? isoMs(text) : Number.NaN;
    if (Number.isNaN(ms)) return undefined;
    texts[at] = text;
    numbers[slot * WIDTH + field] = ms;
    return ms;
  }

  function forgetTimes(slot: number) {
    const at = slot * TIMES;
    texts[at + RECEIVED] = texts[at + STARTED] = texts[at + FINISHED] = undefined;
  }

  /** Keeps the runner's record as it is while it runs, its timestamps read as they come. */
  function keepRunning(slot: number, record: ExecutionRecord) {
    keepWhole(slot, record);
    timeAt(slot, RECEIVED, record.receivedAt);
    timeAt(slot, STARTED, record.startedAt);
    timeAt(slot, FINISHED, record.finishedAt);
  }

  /**
   * Keeps the record flat in its slot, and says whether it could. `own`: the runner's live record,
   * whose parts are kept without copies (it replaces them, it does not change them).
   */
  function flatten(slot: number, record: ExecutionRecord, own: boolean): boolean {
    const status = STATUSES.indexOf(record.status);
    const mode = record.mode === 'sync' ? SYNC : record.mode === 'async' ? 0 : -1;
    const received = timeAt(slot, RECEIVED, record.receivedAt);
    const started = timeAt(slot, STARTED, record.startedAt);
    const finished = timeAt(slot, FINISHED, record.finishedAt);
    const { attempts, durationMs } = record;
    if (
      status < 0 ||
      mode < 0 ||
      received === undefined ||
      Number.isNaN(received) ||
      started === undefined ||
      finished === undefined ||
      typeof attempts !== 'number' ||
      Number.isNaN(attempts) ||
      (durationMs !== undefined && !(typeof durationMs === 'number' && !Number.isNaN(durationMs)))
    ) {
      return false;
    }
    forgetTimes(slot);
    const history = attemptBits(record);
    const at = slot * WIDTH;
    numbers[at + RECEIVED] = received;
    numbers[at + STARTED] = started;
    numbers[at + FINISHED] = finished;
    numbers[at + DURATION] = durationMs ?? Number.NaN;
    numbers[at + ATTEMPTS] = attempts;
    flags[slot] = status | mode | history;
    keys[slot] = record.key;
    wholes[slot] = undefined;
    results[slot] = record.result;
    const { response, error, warnings } = record;
    responses[slot] = own || !response ? response : copyResponse(response);
    // A history the flag bits do not describe: several attempts, or one that is not the runner's.
    const entries = history === 0 ? record.history : undefined;
    if (error === undefined && warnings === undefined && entries === undefined) {
      rests[slot] = undefined;
    } else {
      const rest: Rest = {};
      if (error !== undefined) rest.error = own ? error : { ...error };
      if (warnings !== undefined) rest.warnings = own ? warnings : [...warnings];
      if (entries !== undefined) rest.history = own ? entries : entries.map(copyAttempt);
      rests[slot] = rest;
    }
    return true;
  }

  /** The record kept in a slot, built anew. */
  function recordAt(slot: number): ExecutionRecord {
    const whole = wholes[slot];
    if (whole) return copyRecord(whole);
    const bits = flags[slot] as number;
    const at = slot * WIDTH;
    const record: ExecutionRecord = {
      id: idAt(slot),
      key: keys[slot] as string,
      mode: bits & SYNC ? 'sync' : 'async',
      status: STATUSES[bits & STATUS_BITS] as ExecutionStatus,
      attempts: numbers[at + ATTEMPTS] as number,
      receivedAt: isoTime(numbers[at + RECEIVED] as number),
    };
    const started = numbers[at + STARTED] as number;
    if (!Number.isNaN(started)) record.startedAt = isoTime(started);
    const finished = numbers[at + FINISHED] as number;
    if (!Number.isNaN(finished)) record.finishedAt = isoTime(finished);
    const durationMs = numbers[at + DURATION] as number;
    if (!Number.isNaN(durationMs)) record.durationMs = durationMs;
    if (results[slot] !== undefined) record.result = results[slot];
    const rest = rests[slot];
    if (rest?.error) record.error = { ...rest.error };
    const response = responses[slot];
    if (response) record.response = copyResponse(response);
    if (rest?.warnings) record.warnings = [...rest.warnings];
    if (bits & ONE_ATTEMPT) {
      const entry: AttemptRecord = {
        attempt: record.attempts,
        startedAt: record.startedAt as string,
      };
      if (bits & ATTEMPT_ENDED) {
        entry.finishedAt = record.finishedAt as string;
        entry.durationMs = record.durationMs as number;
        entry.status = STATUSES[(bits >> ATTEMPT_STATUS) & STATUS_BITS] as NonNullable<
          AttemptRecord['status']
        >;
      }
      if (bits & ATTEMPT_ERROR) entry.error = record.error as ExecutionError;
      record.history = [entry];
    } else if (rest?.history) {
      record.history = rest.history.map(copyAttempt);
    }
    return record;
  }

  function sequenceOf(slot: number): number {
    return numbers[slot * WIDTH + SEQUENCE] as number;
  }

  function receivedAtOf(slot: number): string {
    return wholes[slot]?.receivedAt ?? isoTime(numbers[slot * WIDTH + RECEIVED] as number);
  }

  /** The slot kept under an id, from the index (built now if it was not yet). */
  function find(id: string): number | undefined {
    if (!index) {
      index = new Map();
      for (let slot = 0; slot < used; slot++) {
        if (sequenceOf(slot) > 0) index.set(idAt(slot), slot);
      }
    }
    return index.get(id);
  }

  function evict() {
    while (count > maxRecords && head < order.length) {
      const slot = order[head++] as number;
      if (isRunning(statusOf(slot))) parked.add(slot);
      else release(slot);
    }
    if (head > 1024 && head * 2 > order.length) {
      order = order.slice(head);
      head = 0;
    }
    // Nothing finished is left: the oldest running records go as well.
    for (const slot of parked) {
      if (count <= maxRecords) break;
      parked.delete(slot);
      release(slot);
    }
  }

  function keep(record: ExecutionRecord, own: boolean, fresh: boolean) {
    const id = record.id;
    const running = isRunning(record.status);
    // The slot the runner's record was kept in while it ran, if it is still there.
    const hint = own ? slotOf(record) : -1;
    let slot = hint >= 0 && wholes[hint] === record ? hint : undefined;
    if (slot === undefined && !fresh) slot = find(id);
    if (slot === undefined) {
      slot = allocate(id);
      index?.set(id, slot);
      order.push(slot);
    } else if (parked.size > 0 && !running && parked.delete(slot)) {
      // A parked record whose run ended can be evicted again, in its turn.
      order.push(slot);
    }
    // The runner's record while it runs is kept as it is: it changes again soon.
    if (own && running) {
      setSlot(record, slot);
      keepRunning(slot, record);
    } else if (!flatten(slot, record, own)) {
      keepWhole(slot, own ? record : copyRecord(record));
    }
    if (count > maxRecords) evict();
  }

  const store: ExecutionStore = {
    put(record) {
      keep(record, false, false);
    },
    get(id) {
      const slot = find(id);
      return slot === undefined ? undefined : recordAt(slot);
    },
    list(query: ExecutionQuery = {}) {
      const out: ExecutionRecord[] = [];
      // Newest first: by when each record was first kept.
      const all: number[] = [];
      for (let slot = 0; slot < used; slot++) {
        if (sequenceOf(slot) > 0) all.push(slot);
      }
      all.sort((a, b) => sequenceOf(a) - sequenceOf(b));
      for (let i = all.length - 1; i >= 0 && out.length < (query.limit ?? Infinity); i--) {
        const slot = all[i] as number;
        if (query.status !== undefined && statusOf(slot) !== query.status) continue;
        if (query.before !== undefined && !(receivedAtOf(slot) < query.before)) continue;
        out.push(recordAt(slot));
      }
      return out;
    },
  };
  liveWriters.set(store, keep);
  return store;
}
