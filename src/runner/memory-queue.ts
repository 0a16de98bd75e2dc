import { WebhookTriggerError } from '../response/errors.js';
import { waitUntilDeadline } from './deadline.js';
import { backoffDelay, shouldRetry } from './retry.js';
import type {
  Clock,
  CloseOptions,
  EnqueueOptions,
  Job,
  JobHandler,
  JobInfo,
  Queue,
} from './types.js';

/** Options of {@link memoryQueue}. */
export interface MemoryQueueConfig {
  /** How many jobs run at once. @defaultValue `16` */
  concurrency?: number;
  /**
   * How many jobs may wait for a free slot (retries included); past it `enqueue` fails with
   * `QUEUE_FULL` (the trigger answers 503 with `Retry-After`, so the sender retries later instead
   * of being told "accepted"). @defaultValue `10000`
   */
  maxQueued?: number;
  /**
   * The timers for retry delays: a trigger passes its own `clock` to the queue it creates; pass the
   * same one to a queue you create, so that a fake clock drives its retries too.
   * @defaultValue the real timers
   */
  clock?: Pick<Clock, 'setTimeout' | 'clearTimeout'>;
}

// The runtime's own, taken when this module loads: a test that later swaps the timers for fake
// ones (`vi.useFakeTimers()`) must not stop the queue.
const immediate = (
  globalThis as { setImmediate?: (callback: () => void) => unknown }
).setImmediate?.bind(globalThis);
const tick = (globalThis as { process?: { nextTick?: (callback: () => void) => void } }).process
  ?.nextTick;

/**
 * Calls `callback` once this turn of the event loop has handled its I/O (`setImmediate`: Node's
 * check phase, after the poll phase's callbacks and the promise jobs they queued). Without
 * `setImmediate`, once the promise jobs queued so far have run (`process.nextTick`), or as a
 * promise job of its own.
 */
function afterThisTurn(callback: () => void): void {
  if (immediate) immediate(callback);
  else if (tick) tick(callback);
  else void Promise.resolve().then(callback);
}

interface Entry {
  job: Job;
  attempt: number;
  attempts: number;
  backoff: EnqueueOptions['backoff'];
}

function positiveInteger(value: number, option: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`${option} must be a positive integer, received ${String(value)}`);
  }
  return value;
}

/**
 * A queue's synchronous enqueue, kept under {@link ENQUEUE_NOW} next to the `enqueue` it stands in
 * for: it throws a refusal instead of rejecting, so a caller saves a promise per delivery. Used
 * only while the queue's `enqueue` is still that one (a wrapped queue keeps its own behaviour).
 *
 * @internal
 */
export interface EnqueueNow {
  enqueue: Queue['enqueue'];
  now(job: Job, attempts: number, backoff: EnqueueOptions['backoff']): void;
}

/** @internal */
export const ENQUEUE_NOW: unique symbol = Symbol('hookflow.enqueueNow');

/**
 * The synchronous enqueue of a queue, when it has one and it still stands for its `enqueue`.
 *
 * @internal
 */
export function enqueueNowOf(queue: Queue): EnqueueNow['now'] | undefined {
  const fast = (queue as { [ENQUEUE_NOW]?: EnqueueNow })[ENQUEUE_NOW];
  return fast && fast.enqueue === queue.enqueue ? fast.now : undefined;
}

/**
 * A job handler's synchronous variant, kept under {@link RUN_NOW} on the handler: it returns
 * nothing when the attempt is already over, a promise when it is not, and throws a failed attempt.
 * A queue that knows it saves a promise and a microtask per job; any other queue calls the handler.
 *
 * @internal
 */
export const RUN_NOW: unique symbol = Symbol('hookflow.runNow');

/** @internal */
export type RunNow = (job: Job, info: JobInfo) => unknown;

/** The host's timers. */
export const realTimers: Pick<Clock, 'setTimeout' | 'clearTimeout'> = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * The embedded in-process {@link Queue}: FIFO, a concurrency limit, retries with backoff, and a
 * bound on waiting jobs (backpressure as 503 rather than unbounded memory). Jobs live in this
 * process only: use a distributed queue when deliveries must survive a restart.
 *
 * @param config - `concurrency` and `maxQueued`.
 * @returns the queue.
 * @throws RangeError when an option is not a positive integer.
 * @example
 * ```ts
 * const trigger = createWebhookTrigger({ workflow, queue: memoryQueue({ concurrency: 4 }) });
 * ```
 */
export function memoryQueue(config: MemoryQueueConfig = {}): Queue {
  let concurrency = positiveInteger(config.concurrency ?? 16, 'concurrency');
  const maxQueued = positiveInteger(config.maxQueued ?? 10_000, 'maxQueued');
  let waiting: Entry[] = [];
  let head = 0;
  let handler: JobHandler | undefined;
  let handlerNow: RunNow | undefined;
  let closed = false;
  let running = 0;
  // One signal for every job: it only ever aborts when close() gives up on all running work.
  const stop = new AbortController();
  // What the handler is told of a job with one attempt, the usual one: the same for every job.
  const onlyAttempt: JobInfo = Object.freeze({ attempt: 1, attempts: 1, signal: stop.signal });
  const timers = config.clock ?? realTimers;
  const retries = new Map<unknown, Entry>();
  let idle: (() => void) | undefined;

  const queued = () => waiting.length - head + retries.size;
  let pumpScheduled = false;

  function settleIdle() {
    if (idle && running === 0 && queued() === 0) idle();
  }

  function pump() {
    pumpScheduled = false;
    while (handler && running < concurrency && head < waiting.length) {
      const entry = waiting[head] as Entry;
      waiting[head++] = undefined as unknown as Entry;
      if (head > 1024 && head * 2 > waiting.length) {
        waiting = waiting.slice(head);
        head = 0;
      }
      start(handler, entry);
    }
    settleIdle();
  }

  function retry(entry: Entry) {
    // Timers hold 32-bit milliseconds: a longer delay would fire at once, so it is capped (~24.8 days).
    const delay = Math.min(backoffDelay(entry.backoff, entry.attempt), 2 ** 31 - 1);
    const next = { ...entry, attempt: entry.attempt + 1 };
    const timer = timers.setTimeout(() => {
      retries.delete(timer);
      waiting.push(next);
      pump();
    }, delay);
    retries.set(timer, next);
  }

  function start(run: JobHandler, entry: Entry) {
    const attempts = entry.attempts;
    running++;
    let attempt: unknown;
    try {
      const info =
        entry.attempt === 1 && attempts === 1
          ? onlyAttempt
          : { attempt: entry.attempt, attempts, signal: stop.signal };
      attempt = handlerNow ? handlerNow(entry.job, info) : run(entry.job, info);
    } catch (error) {
      // Thrown synchronously: settle it after this pump, like a rejection.
      queueMicrotask(() => failed(entry, attempts, error));
      return;
    }
    // Over already: the pump that called start() goes on with the next job.
    if (handlerNow && !(attempt instanceof Promise)) running--;
    else Promise.resolve(attempt).then(done, (error) => failed(entry, attempts, error));
  }

  /** A failed attempt: retried while attempts remain (a rejection is never left unhandled). */
  function failed(entry: Entry, attempts: number, error: unknown) {
    if (!closed || idle) {
      if (shouldRetry(error, entry.attempt, attempts)) retry(entry);
    }
    done();
  }

  function done() {
    running--;
    pump();
  }

  function enqueueNow(job: Job, attempts: number, backoff: EnqueueOptions['backoff']): void {
    if (closed) {
      throw new WebhookTriggerError('SHUTTING_DOWN', undefined, {
        headers: { 'retry-after': '5' },
      });
    }
    // A job that a free slot starts at the next pump is not waiting: the bound is on the rest.
    const free = handler ? Math.max(0, concurrency - running) : 0;
    if (queued() - free >= maxQueued) {
      throw new WebhookTriggerError('QUEUE_FULL', undefined, { headers: { 'retry-after': '1' } });
    }
    waiting.push({ job, attempt: 1, attempts, backoff });
    // One pump per batch of deliveries queued in one turn of the event loop, once that turn has
    // written their acknowledgements: a workflow's synchronous part holds back no answer, and the
    // runs of a batch go together instead of each between the reads of the next requests (on a
    // busy node:http server, 6-7 % more requests per second than a pump after each delivery's
    // promise jobs). Still in the same turn: a waiting delivery is not kept across the next poll.
    if (!pumpScheduled) {
      pumpScheduled = true;
      afterThisTurn(pump);
    }
  }

  async function enqueue(job: Job, options: EnqueueOptions): Promise<void> {
    enqueueNow(job, options.attempts ?? 1, options.backoff);
  }

  function dropWaiting() {
    waiting = [];
    head = 0;
    for (const timer of retries.keys()) timers.clearTimeout(timer);
    retries.clear();
  }

  const queue: Queue & { [ENQUEUE_NOW]: EnqueueNow } = {
    capabilities: { distributed: false, waitForResult: false, deadLetter: false },
    enqueue,
    [ENQUEUE_NOW]: { enqueue, now: enqueueNow },
    process(next, options = {}) {
      if (handler && handler !== next) {
        throw new TypeError(
          'This memoryQueue already has a handler: give each trigger its own queue.',
        );
      }
      handler = next;
      handlerNow = (next as { [RUN_NOW]?: RunNow })[RUN_NOW];
      if (options.concurrency !== undefined) {
        concurrency = positiveInteger(options.concurrency, 'concurrency');
      }
      queueMicrotask(pump);
    },
    async close(options: CloseOptions = {}) {
      closed = true;
      if (options.drain === false) dropWaiting();
      const drained = new Promise<void>((resolve) => {
        idle = resolve;
      });
      settleIdle();
      const late = await waitUntilDeadline(drained, options);
      idle = undefined;
      if (late) {
        dropWaiting();
        stop.abort(new WebhookTriggerError('SHUTTING_DOWN'));
      }
    },
  };
  return queue;
}
