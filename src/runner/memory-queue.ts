import { WebhookTriggerError } from '../response/errors.js';
import { waitUntilDeadline } from './deadline.js';
import type { CloseOptions, EnqueueOptions, Job, JobHandler, Queue } from './types.js';

/** Options of {@link memoryQueue}. */
export interface MemoryQueueConfig {
  /** How many jobs run at once. @defaultValue `16` */
  concurrency?: number;
  /**
   * How many jobs may wait; past it `enqueue` fails with `QUEUE_FULL` (the trigger answers 503 with
   * `Retry-After`, so the sender retries later instead of being told "accepted").
   * @defaultValue `10000`
   */
  maxQueued?: number;
}

interface Entry {
  job: Job;
  options: EnqueueOptions;
}

function positiveInteger(value: number, option: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`${option} must be a positive integer, received ${String(value)}`);
  }
  return value;
}

/**
 * The embedded in-process {@link Queue}: FIFO, a concurrency limit, and a bound on waiting jobs
 * (backpressure as 503 rather than unbounded memory). Jobs live in this process only: use a
 * distributed queue when deliveries must survive a restart.
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
  let closed = false;
  const running = new Set<AbortController>();
  let idle: (() => void) | undefined;

  function settleIdle() {
    if (idle && running.size === 0 && head === waiting.length) idle();
  }

  function pump() {
    while (handler && running.size < concurrency && head < waiting.length) {
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

  function start(run: JobHandler, entry: Entry) {
    const controller = new AbortController();
    running.add(controller);
    // A handler that throws is a failed attempt; it must never become an unhandled rejection.
    Promise.resolve()
      .then(() => run(entry.job, { attempt: 1, signal: controller.signal }))
      .catch(() => {})
      .finally(() => {
        running.delete(controller);
        pump();
      });
  }

  return {
    capabilities: { distributed: false, waitForResult: false, deadLetter: false },
    async enqueue(job, options) {
      if (closed)
        throw new WebhookTriggerError('SHUTTING_DOWN', undefined, {
          headers: { 'retry-after': '5' },
        });
      if (waiting.length - head >= maxQueued) {
        throw new WebhookTriggerError('QUEUE_FULL', undefined, { headers: { 'retry-after': '1' } });
      }
      waiting.push({ job, options });
      queueMicrotask(pump);
    },
    process(next, options = {}) {
      if (handler) {
        throw new TypeError(
          'This memoryQueue already has a handler: give each trigger its own queue.',
        );
      }
      handler = next;
      if (options.concurrency !== undefined) {
        concurrency = positiveInteger(options.concurrency, 'concurrency');
      }
      queueMicrotask(pump);
    },
    async close(options: CloseOptions = {}) {
      closed = true;
      if (options.drain === false) {
        waiting = [];
        head = 0;
      }
      const drained = new Promise<void>((resolve) => {
        idle = resolve;
      });
      settleIdle();
      const late = await waitUntilDeadline(drained, options);
      if (late) {
        waiting = [];
        head = 0;
        for (const controller of running)
          controller.abort(new WebhookTriggerError('SHUTTING_DOWN'));
      }
    },
  };
}
