import {
  type Job as BullJob,
  Queue as BullQueue,
  type KeepJobs,
  QueueEvents,
  UnrecoverableError,
  Worker,
} from 'bullmq';
import type { Redis } from 'ioredis';
import { WebhookTriggerError } from '../response/index.js';
import type {
  CloseOptions,
  ExecutionStore,
  JobHandler,
  ProcessOptions,
  Queue,
} from '../runner/index.js';
import {
  backoffDelay,
  resolveCloseTimeout,
  shouldRetry,
  waitUntilDeadline,
} from '../runner/index.js';
import { decodeJob, decodeSent, encodeJob, encodeSent, type JobData, jobIdOf } from './codec.js';
import { createFirstSight } from './first-sight.js';
import {
  checkPositive,
  checkPrefix,
  closeClient,
  commandClient,
  type RedisConnection,
  redisOptions,
  withinTime,
} from './redis.js';
import { type Closable, type RedisExecutionStoreConfig, redisExecutionStore } from './stores.js';

/** Options of {@link bullmqQueue}. */
export interface BullmqQueueConfig {
  /**
   * How to reach Redis: ioredis options, or an ioredis client to share for commands (workers and
   * event readers open their own blocking connections with its options).
   */
  connection: RedisConnection;
  /** BullMQ's key prefix; hookflow's own keys (records) use it too. @defaultValue `'hookflow'` */
  prefix?: string;
  /** The BullMQ queue name: one per trigger. @defaultValue `'hookflow'` */
  queueName?: string;
  /**
   * Send `ctx.rawBody` to workers (base64 in the job). Off by default: signatures are checked in
   * the web process, and workflows rarely need the bytes again.
   * @defaultValue `false`
   */
  keepRawBody?: boolean;
  /**
   * How long a web process waits for Redis to take a delivery before answering 503
   * `QUEUE_UNAVAILABLE`.
   * @defaultValue `5000`
   */
  timeoutMs?: number;
  /**
   * The Redis execution store this queue brings (used when the trigger sets no `executions`), or
   * `false` for none.
   * @defaultValue `{}` (a {@link redisExecutionStore} on the same connection and prefix)
   */
  records?: Omit<RedisExecutionStoreConfig, 'connection' | 'prefix'> | false;
  /** Worker tuning, passed to BullMQ. */
  worker?: {
    /** How long a job's lock lasts before another worker may take it over. @defaultValue `30000` */
    lockDurationMs?: number;
    /** How often workers look for jobs whose worker died. @defaultValue `30000` */
    stalledIntervalMs?: number;
    /** How often a job may be taken over from a dead worker before it is `dead`. @defaultValue `1` */
    maxStalledCount?: number;
  };
  /** Which finished jobs BullMQ keeps. @defaultValue `{ age: 3600, count: 10000 }` */
  removeOnComplete?: KeepJobs;
  /** Which failed jobs (dead letters) BullMQ keeps. @defaultValue `{ age: 604800 }` (7 days) */
  removeOnFail?: KeepJobs;
  /**
   * Called with errors of BullMQ's connections (Redis going away and coming back); without it they
   * are ignored, as the queue reconnects by itself.
   */
  onError?: (error: Error) => void;
}

/** The BullMQ queue: a {@link Queue} with the store it brings and its BullMQ objects. */
export interface BullmqQueue extends Queue {
  /** The Redis execution store shared by every process on this queue (unless `records: false`). */
  readonly executions?: ExecutionStore & Closable;
  /** The queue's name in BullMQ. */
  readonly queueName: string;
}

const BACKOFF_TYPE = 'hookflow';
/** How many lost job ids a worker remembers, so that each is reported once. */
const REPORTED_LIMIT = 10_000;

/** A job's return value as BullMQ reports it: JSON text in some versions, parsed in others. */
function parsed(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function messageOf(error: unknown) {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A {@link Queue} on BullMQ and Redis: web processes accept, verify and enqueue deliveries; worker
 * processes on any machine run them (`trigger.startWorker()`). Jobs are at-least-once: a worker
 * that dies mid-run has its jobs taken over by another once their lock expires. Attempts and
 * backoff are BullMQ's (with hookflow's delays), a `NonRetryableError` ends the job at once, and
 * exhausted jobs stay in BullMQ's failed set and become `dead` records. In sync mode the web
 * process waits for the job's result, which carries the response the workflow decided.
 *
 * @param config - `connection`, and optionally `prefix`, `queueName`, `keepRawBody`, …
 * @returns the queue, with the Redis execution store it brings as `executions`.
 * @throws TypeError or RangeError when an option is invalid.
 * @example
 * ```ts
 * import { bullmqQueue } from 'hookflow/bullmq';
 *
 * const trigger = createWebhookTrigger({
 *   queue: bullmqQueue({ connection: { host: '127.0.0.1', port: 6379 } }),
 *   workflow,
 * });
 * // In worker processes only:
 * trigger.startWorker({ concurrency: 8 });
 * ```
 */
export function bullmqQueue(config: BullmqQueueConfig): BullmqQueue {
  if (config === null || typeof config !== 'object') {
    throw new TypeError('hookflow/bullmq: bullmqQueue takes an options object with "connection"');
  }
  const prefix = checkPrefix('prefix', config.prefix, 'hookflow');
  const queueName = checkPrefix('queueName', config.queueName, 'hookflow');
  if (queueName.includes(':')) throw new TypeError('hookflow/bullmq: "queueName" cannot hold ":"');
  const timeoutMs = checkPositive('timeoutMs', config.timeoutMs, 5000);
  const keepRawBody = config.keepRawBody === true;
  const onError = config.onError ?? (() => {});
  const blocking = { ...redisOptions(config.connection), maxRetriesPerRequest: null };
  const removeOnComplete = config.removeOnComplete ?? { age: 3600, count: 10_000 };
  const removeOnFail = config.removeOnFail ?? { age: 604_800 };
  const executions =
    config.records === false
      ? undefined
      : redisExecutionStore({
          timeoutMs,
          onError,
          ...(config.records ?? {}),
          connection: config.connection,
          prefix,
        });

  // Opened on first use: a worker-only process never opens the producer side, and the reverse.
  let producer: { queue: BullQueue; client: ReturnType<typeof commandClient> } | undefined;
  let events: Promise<QueueEvents> | undefined;
  let worker: Worker | undefined;
  let closed = false;
  const stop = new AbortController();
  const waiters = new Map<string, Set<(outcome: { value?: unknown; error?: Error }) => void>>();
  const waits = new Set<Promise<unknown>>();
  const ownFailures = new Set<string>();

  function queue() {
    if (!producer) {
      const client = commandClient(config.connection, onError);
      const bull = new BullQueue(queueName, { connection: client.client as Redis, prefix });
      bull.on('error', onError);
      producer = { queue: bull, client };
    }
    return producer.queue;
  }

  function settleWaiters(jobId: string, outcome: { value?: unknown; error?: Error }) {
    for (const settle of waiters.get(jobId) ?? []) settle(outcome);
  }

  function queueEvents() {
    events ??= (async () => {
      // Events are read from a minute back, not from the first read: a job enqueued just before
      // this reader started may already have ended, and its event must not be missed.
      const reader = new QueueEvents(queueName, {
        connection: blocking,
        prefix,
        lastEventId: `${Date.now() - 60_000}-0`,
      });
      reader.on('error', onError);
      reader.on('completed', ({ jobId, returnvalue }) => {
        settleWaiters(jobId, { value: decodeSent(parsed(returnvalue)) });
      });
      reader.on('failed', ({ jobId, failedReason }) => {
        settleWaiters(jobId, { error: new Error(failedReason) });
      });
      await reader.waitUntilReady();
      return reader;
    })();
    return events;
  }

  /** The outcome of a job that already ended, if it has. */
  async function finishedOutcome(jobId: string) {
    const job = await queue().getJob(jobId);
    if (!job) return undefined;
    if (job.finishedOn === undefined) return undefined;
    if (job.failedReason) return { error: new Error(job.failedReason) };
    return { value: decodeSent(parsed(job.returnvalue)) };
  }

  function waitForResult(id: string, waitMs: number): Promise<unknown> {
    const wait = awaitResult(jobIdOf(id), waitMs);
    const tracked = wait.catch(() => {});
    waits.add(tracked);
    void tracked.finally(() => waits.delete(tracked));
    return wait;
  }

  async function awaitResult(jobId: string, waitMs: number): Promise<unknown> {
    await withinTime(queueEvents(), timeoutMs, 'event stream');
    const outcome = await new Promise<{ value?: unknown; error?: Error }>((resolve) => {
      const settle = (result: { value?: unknown; error?: Error }) => {
        clearTimeout(timer);
        const set = waiters.get(jobId);
        set?.delete(settle);
        if (set?.size === 0) waiters.delete(jobId);
        resolve(result);
      };
      const timer = setTimeout(
        () => settle({ error: new WebhookTriggerError('WORKFLOW_TIMEOUT') }),
        waitMs,
      );
      const set = waiters.get(jobId) ?? new Set();
      set.add(settle);
      waiters.set(jobId, set);
      // The job may have ended before this process listened for it.
      finishedOutcome(jobId).then(
        (done) => done && settle(done),
        () => {},
      );
    });
    if (outcome.error) throw outcome.error;
    return outcome.value;
  }

  function process(handler: JobHandler, options: ProcessOptions = {}) {
    if (worker) throw new TypeError('hookflow/bullmq: this queue already runs a worker.');
    if (closed) throw new TypeError('hookflow/bullmq: this queue is closed.');
    const tuning = config.worker ?? {};
    worker = new Worker<JobData>(
      queueName,
      async (bullJob: BullJob<JobData>) => {
        const job = decodeJob(bullJob.data);
        const attempts = bullJob.opts.attempts ?? 1;
        const attempt = bullJob.attemptsMade + 1;
        try {
          const result = await handler(job, { attempt, attempts, signal: stop.signal });
          return result !== null && typeof result === 'object' && 'status' in result
            ? encodeSent(result as Parameters<typeof encodeSent>[0])
            : null;
        } catch (error) {
          // The runner has recorded this attempt; BullMQ only decides whether another follows.
          ownFailures.add(bullJob.id as string);
          if (!shouldRetry(error, attempt, attempts))
            throw new UnrecoverableError(messageOf(error));
          throw error;
        }
      },
      {
        connection: blocking,
        prefix,
        concurrency: checkPositive('concurrency', options.concurrency, 1),
        settings: {
          backoffStrategy: (attemptsMade, _type, _error, job) =>
            backoffDelay((job?.data as JobData | undefined)?.backoff, attemptsMade),
        },
        ...(tuning.lockDurationMs === undefined ? {} : { lockDuration: tuning.lockDurationMs }),
        ...(tuning.stalledIntervalMs === undefined
          ? {}
          : { stalledInterval: tuning.stalledIntervalMs }),
        ...(tuning.maxStalledCount === undefined
          ? {}
          : { maxStalledCount: tuning.maxStalledCount }),
      },
    );
    worker.on('error', onError);
    // A job taken over from dead workers too often is failed by BullMQ without running the
    // handler (when a worker next picks it up, or, in older versions, by the stall check): the
    // trigger records it as dead. Failures the handler threw were recorded already.
    // Both signals may come for one job: it is reported once. They come close together, so only
    // the latest ids are remembered (a long-lived worker must not grow with every lost job).
    const firstReport = createFirstSight(REPORTED_LIMIT);
    const lost = async (job: BullJob<JobData>, reason?: string) => {
      if (!firstReport(job.id as string)) return;
      await options.onLost?.(decodeJob(job.data), {
        name: 'Error',
        message: reason || 'The job stalled more often than allowed.',
        code: 'JOB_STALLED',
      });
    };
    worker.on('failed', (job, error) => {
      if (!job || ownFailures.delete(job.id as string)) return;
      lost(job, error.message).catch(onError);
    });
    worker.on('stalled', (jobId) => {
      void (async () => {
        const job = await queue().getJob(jobId);
        if (job && (await job.isFailed())) await lost(job, job.failedReason);
      })().catch(onError);
    });
  }

  async function enqueue(
    job: Parameters<Queue['enqueue']>[0],
    options: Parameters<Queue['enqueue']>[1],
  ) {
    if (closed) {
      throw new WebhookTriggerError('SHUTTING_DOWN', undefined, {
        headers: { 'retry-after': '5' },
      });
    }
    const attempts = options.attempts ?? 1;
    const data = encodeJob(job, keepRawBody, attempts > 1 ? options.backoff : undefined);
    await withinTime(
      queue().add('delivery', data, {
        jobId: jobIdOf(options.id),
        attempts,
        ...(attempts > 1 && options.backoff ? { backoff: { type: BACKOFF_TYPE } } : {}),
        removeOnComplete,
        removeOnFail,
      }),
      timeoutMs,
      'enqueue',
    );
  }

  async function close(options: CloseOptions = {}) {
    const limit = resolveCloseTimeout(options);
    closed = true;
    if (worker) {
      const running = worker;
      if (options.drain === false) {
        stop.abort(new WebhookTriggerError('SHUTTING_DOWN'));
        await running.close(true);
      } else if (await waitUntilDeadline(running.close(), { timeoutMs: limit })) {
        // Past the deadline: running runs are told to stop; BullMQ hands unfinished jobs to
        // another worker once their lock expires.
        stop.abort(new WebhookTriggerError('SHUTTING_DOWN'));
        await running.close(true);
      }
    }
    if (waits.size > 0) await waitUntilDeadline(Promise.all(waits), { timeoutMs: limit });
    // Callers still waiting for a sync answer have had the deadline: they get 503.
    for (const jobId of [...waiters.keys()]) {
      settleWaiters(jobId, {
        error: new WebhookTriggerError('SHUTTING_DOWN', undefined, {
          headers: { 'retry-after': '5' },
        }),
      });
    }
    const reader = events && (await events.catch(() => undefined));
    await Promise.allSettled([reader?.close(), producer?.queue.close(), executions?.close()]);
    if (producer) await closeClient(producer.client);
  }

  return {
    capabilities: { distributed: true, waitForResult: true, deadLetter: true },
    queueName,
    ...(executions ? { executions } : {}),
    enqueue,
    process,
    waitForResult,
    close,
  };
}
