import type { ResponseSpec, SentResponse } from '../response/types.js';

/**
 * Time as a trigger sees it: the current time, and timers for run timeouts and retry delays. Tests
 * pass a fake one (`fakeClock()` from `hookflow/testing`) to move time by hand.
 */
export interface Clock {
  /** The current time in epoch milliseconds. */
  now(): number;
  /** Calls `callback` once `ms` milliseconds have passed; returns a handle for `clearTimeout`. */
  setTimeout(callback: () => void, ms: number): unknown;
  /** Cancels a timer made by this clock's `setTimeout`. */
  clearTimeout(handle: unknown): void;
}

/** A value, or a promise of it: stores may be in memory or remote. */
export type Awaitable<T> = T | Promise<T>;

/**
 * What a workflow receives about one delivery. JSON-serialisable apart from `rawBody`.
 */
export interface TriggerContext {
  /** The key of the trigger that accepted the delivery. */
  key: string;
  /** The id of this execution (also on its {@link ExecutionRecord}). */
  executionId: string;
  /** When the delivery was received, ISO 8601. */
  receivedAt: string;
  /** The HTTP method, upper-case. */
  method: string;
  /** The full request URL. */
  url: string;
  /** Route parameters given by the adapter or router. */
  params: Record<string, string>;
  /** Request headers, lower-case names. */
  headers: Record<string, string>;
  /** The parsed query string (qs). */
  query: unknown;
  /** The decoded body: JSON value, form object, text, or `undefined` for other types and empty bodies. */
  body: unknown;
  /** The exact bytes received. */
  rawBody?: Uint8Array;
  /** The configured `request.*` fields, by alias (or by path when there is no alias). */
  vars: Record<string, unknown>;
  /** The client IP, when the adapter knows it. */
  ip?: string;
}

/** What a workflow can do besides reading its context. */
export interface RunApi {
  /**
   * Sync mode: sets the HTTP response (the first call wins; later calls are ignored and noted on the
   * execution record). Async mode: no effect (the acknowledgement is already sent), noted likewise.
   */
  respond(spec: ResponseSpec): void;
  /** Aborted when the run times out, the client disconnects (sync), or the trigger closes. */
  signal: AbortSignal;
  /** Which attempt this is, from 1. */
  attempt: number;
}

/** A workflow: runs once per accepted delivery. Its return value is the sync default response. */
export type Workflow = (ctx: TriggerContext, run: RunApi) => unknown;

/** One unit of queued work: a delivery accepted by a trigger. */
export interface Job {
  /** The execution id. */
  id: string;
  /** The trigger key. */
  key: string;
  /** The delivery's context. */
  context: TriggerContext;
}

/** Carries out a run: the default calls the trigger's `workflow` in-process. */
export interface Executor {
  /**
   * Runs one job.
   *
   * @returns the run's result (the sync default response body).
   */
  execute(job: Job, run: RunApi): Promise<unknown>;
}

/** Retry delays between attempts. */
export interface BackoffConfig {
  /** `fixed`: the same delay each time; `exponential`: doubled after each attempt. */
  type: 'fixed' | 'exponential';
  /** The first delay, in milliseconds. */
  delayMs: number;
  /** The longest delay, in milliseconds. @defaultValue no cap */
  maxDelayMs?: number;
  /**
   * Spreads each delay randomly between `(1 − jitter) × delay` and `delay` (`true` = 1), so that
   * retries of many deliveries do not all arrive at once. @defaultValue `0`
   */
  jitter?: number | boolean;
}

/** Options of {@link Queue.enqueue}. */
export interface EnqueueOptions {
  /** The job id (the execution id). */
  id: string;
  /** How many attempts in all. @defaultValue `1` */
  attempts?: number;
  /** Delay between attempts. */
  backoff?: BackoffConfig;
}

/** What the queue tells a job handler. */
export interface JobInfo {
  /** Which attempt this is, from 1. */
  attempt: number;
  /** How many attempts the job has in all. */
  attempts: number;
  /** Aborted when the queue closes past its drain timeout. */
  signal: AbortSignal;
}

/** Processes one job; a rejection is a failed attempt. */
export type JobHandler = (job: Job, info: JobInfo) => Promise<unknown>;

/** Options of {@link Queue.process}. */
export interface ProcessOptions {
  /** How many jobs run at once in this process. */
  concurrency?: number;
  /**
   * Called when the queue gives up on a job that its handler never settled: a worker died while
   * running it more often than the queue allows (BullMQ's stalled jobs). The trigger records the
   * job as `dead` and passes it to `onDeadLetter`.
   */
  onLost?: (job: Job, reason: ExecutionError) => Promise<void>;
}

/** Options of `close()` on queues and triggers. */
export interface CloseOptions {
  /** Finish queued and running work before resolving. @defaultValue `true` */
  drain?: boolean;
  /** How long to wait for the drain before aborting running work. @defaultValue `30000` */
  timeoutMs?: number;
}

/** What a queue can do. */
export interface QueueCapabilities {
  /** Jobs can be processed by other processes or machines. */
  distributed: boolean;
  /** `waitForResult` is implemented (sync mode across processes). */
  waitForResult: boolean;
  /** Exhausted jobs are kept as dead letters. */
  deadLetter: boolean;
}

/** Where accepted deliveries wait to be run. */
export interface Queue {
  /** What this queue can do. */
  readonly capabilities: QueueCapabilities;
  /**
   * Queues a job. Resolves only once the job is safely queued.
   *
   * @throws `WebhookTriggerError` `QUEUE_FULL`, `QUEUE_UNAVAILABLE` or `SHUTTING_DOWN`.
   */
  enqueue(job: Job, options: EnqueueOptions): Promise<void>;
  /** Starts running jobs with `handler`, at most `concurrency` at once. */
  process(handler: JobHandler, options?: ProcessOptions): void;
  /**
   * Waits for a job's result (sync mode across processes): what the handler resolved with.
   *
   * @throws `WebhookTriggerError` `WORKFLOW_TIMEOUT` when `timeoutMs` passes first, or the
   * error the job failed with.
   */
  waitForResult?(id: string, timeoutMs: number): Promise<unknown>;
  /**
   * Where records should be kept when the trigger names no `executions` store: a queue whose jobs
   * run in other processes brings a store those processes share.
   */
  readonly executions?: ExecutionStore;
  /** Stops taking jobs; with `drain`, finishes queued and running ones first. */
  close(options?: CloseOptions): Promise<void>;
}

/** The life of an execution: `queued → started → resolved | failed | timeout | dead`. */
export type ExecutionStatus = 'queued' | 'started' | 'resolved' | 'failed' | 'timeout' | 'dead';

/** An error as kept on an execution record: no stack. */
export interface ExecutionError {
  /** The error's name (`TypeError`, `WebhookTriggerError`, …). */
  name: string;
  /** The error's message (kept for the host; sent to callers only with `exposeErrors`). */
  message: string;
  /** The error code, when the error had one. */
  code?: string;
}

/** One attempt of a run, as kept on its record. */
export interface AttemptRecord {
  /** Which attempt, from 1. */
  attempt: number;
  /** When it started, ISO 8601. */
  startedAt: string;
  /** When it ended, ISO 8601. */
  finishedAt?: string;
  /** How long it took, in milliseconds. */
  durationMs?: number;
  /** How it ended. */
  status?: 'resolved' | 'failed' | 'timeout';
  /** Why it failed. */
  error?: ExecutionError;
}

/** The record of one run. */
export interface ExecutionRecord {
  /** The execution id. */
  id: string;
  /** The trigger key. */
  key: string;
  /** The mode the delivery was accepted in. */
  mode: 'async' | 'sync';
  /** Where the run is. */
  status: ExecutionStatus;
  /** Attempts started so far. */
  attempts: number;
  /** When the delivery was received, ISO 8601. */
  receivedAt: string;
  /** When the last attempt started, ISO 8601. */
  startedAt?: string;
  /** When the run ended, ISO 8601. */
  finishedAt?: string;
  /** From the start of the last attempt to the end, in milliseconds. */
  durationMs?: number;
  /** What the workflow returned. */
  result?: unknown;
  /** Why the run failed. */
  error?: ExecutionError;
  /** The HTTP response the delivery was answered with. */
  response?: SentResponse;
  /** Things worth knowing that did not fail the run, such as a second `respond()` call. */
  warnings?: string[];
  /** Every attempt so far, oldest first, with its timings and error. */
  history?: AttemptRecord[];
}

/** A query over execution records; newest first. */
export interface ExecutionQuery {
  /** Only records with this status. */
  status?: ExecutionStatus;
  /** At most this many. */
  limit?: number;
  /** Only records received before this ISO 8601 time. */
  before?: string;
}

/** Where execution records are kept. */
export interface ExecutionStore {
  /** Inserts or replaces a record (by `id`). */
  put(record: ExecutionRecord): Awaitable<void>;
  /** The record with this id, if kept. */
  get(id: string): Awaitable<ExecutionRecord | undefined>;
  /** Records, newest first. */
  list(query?: ExecutionQuery): Awaitable<ExecutionRecord[]>;
}

/**
 * Remembers delivery keys and the first response to each, so that a repeated delivery is answered
 * with the same response instead of running again.
 */
export interface DedupeStore {
  /** Claims `key` for `ttlSeconds`; `false` when it is already claimed (a duplicate). */
  claim(key: string, ttlSeconds: number): Awaitable<boolean>;
  /** Gives a claim up, so that a retry of the delivery can run (its first try was not accepted). */
  release(key: string): Awaitable<void>;
  /** Keeps the response sent for a claimed key, for replay. */
  remember(key: string, response: SentResponse): Awaitable<void>;
  /** The response remembered for `key`, if any. */
  recall(key: string): Awaitable<SentResponse | undefined>;
}
