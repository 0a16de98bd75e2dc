import type { ResponseSpec, SentResponse } from '../response/index.js';
import {
  compileResponse,
  fromError,
  fromValue,
  isWebhookTriggerError,
  WebhookTriggerError,
} from '../response/index.js';
import { isRunning, livePutOf, newLiveRecord } from '../runner/execution-store.js';
import type {
  CloseOptions,
  ExecutionError,
  ExecutionRecord,
  Job,
  JobHandler,
  JobInfo,
  Queue,
  RunApi,
  TriggerContext,
} from '../runner/index.js';
import {
  copyRecord,
  createLazyAbort,
  type LazyAbort,
  RunHandle,
  shouldRetry,
  waitUntilDeadline,
} from '../runner/index.js';
import { isoTime } from '../runner/iso-time.js';
import { LinkedList } from '../runner/linked-list.js';
import { enqueueNowOf, RUN_NOW, type RunNow } from '../runner/memory-queue.js';
import { randomId } from '../runner/random-id.js';
import type { ResolvedTriggerConfig } from './config.js';
import { TrackedJob, UnfinishedJobs } from './unfinished.js';

type Outcome =
  | { status: 'resolved'; result: unknown }
  | { status: 'failed'; error: unknown }
  | { status: 'timeout' };

/** What the caller of a delivery can hand to its run. */
export interface RunOptions {
  /** Aborts a sync run, e.g. when the client disconnects. */
  signal?: AbortSignal | undefined;
  /** Keeps an edge runtime alive until the background run is done. */
  waitUntil?: ((promise: Promise<unknown>) => void) | undefined;
}

function toExecutionError(error: unknown): ExecutionError {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string'
      ? { name: error.name, message: error.message, code }
      : { name: error.name, message: error.message };
  }
  return { name: 'Error', message: String(error) };
}

const utf8 = new TextDecoder();

/**
 * Everything a caller sent, as text: the URL, header values, the raw body and every string of the
 * parsed body and query (JSON escapes such as `\u0024` are decoded there). A template expression
 * found in it came from the caller and is not evaluated.
 */
function callerText(context: TriggerContext): string[] {
  const texts = [context.url, ...Object.values(context.headers)];
  if (context.rawBody) texts.push(utf8.decode(context.rawBody));
  const stack: unknown[] = [context.query, context.body, context.params];
  // Bounded like the parsers: the body is at most limits.maxBodyBytes, so this walk is too.
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value === 'string') texts.push(value);
    else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) stack.push(key, item);
    }
  }
  return texts;
}

/** Whether a queued job's result is a response decided by its run (what sync jobs resolve with). */
function isSentResponse(value: unknown): value is SentResponse {
  if (value === null || typeof value !== 'object') return false;
  const { status, headers, body } = value as Record<string, unknown>;
  return (
    Number.isInteger(status) &&
    headers !== null &&
    typeof headers === 'object' &&
    (body === undefined || typeof body === 'string' || body instanceof Uint8Array)
  );
}

/** Runs `next` once `saved` settles, or at once when saving was synchronous. */
function after<T>(saved: void | Promise<void>, next: () => T): T | Promise<Awaited<T>> {
  return saved instanceof Promise ? (saved.then(next) as Promise<Awaited<T>>) : next();
}

/** Whether a result is still to come (a promise, or any thenable). */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value instanceof Promise ||
    (value !== null &&
      (typeof value === 'object' || typeof value === 'function') &&
      typeof (value as { then?: unknown }).then === 'function')
  );
}

/** A step that may finish now or later, as the promise a caller of the public API expects. */
function settled<T>(step: () => T | Promise<T>): Promise<T> {
  try {
    const value = step();
    return value instanceof Promise ? value : Promise.resolve(value);
  } catch (error) {
    return Promise.reject(error);
  }
}

/** Async runs always stop waiting at the timeout. */
const alwaysStop = () => true;

/** Hands work that outlives the response to the runtime; a failing waitUntil must not fail it. */
function keepAlive(options: RunOptions, work: Promise<unknown>) {
  try {
    options.waitUntil?.(work);
  } catch {}
}

/** A sync run in progress, for close() to wait for or abort (see {@link LinkedList}). */
interface SyncRun {
  done: Promise<unknown>;
  controller: LazyAbort;
  prev: SyncRun | undefined;
  next: SyncRun | undefined;
}

/** Header names that carry credentials: never readable from a respond() template. */
const CREDENTIAL_HEADER =
  /^(authorization|proxy-authorization|cookie)$|token|secret|key|signature|session|password|auth|credential/i;

/**
 * What respond() templates may read: the context without credential-like headers and raw bytes.
 * A spec built from request data could otherwise be steered (by a caller who splits a template
 * across fields) into reading secrets a proxy added; what remains is what the caller sent itself.
 */
function respondScope(context: TriggerContext, hiddenVars: readonly string[]): TriggerContext {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(context.headers)) {
    if (!CREDENTIAL_HEADER.test(name)) headers[name] = value;
  }
  // Variables copied from credential headers are the same secrets under another name.
  const vars = { ...context.vars };
  for (const name of hiddenVars) delete vars[name];
  const { rawBody: _rawBody, ...rest } = context;
  return { ...rest, headers, vars };
}

function warn(record: ExecutionRecord, message: string) {
  record.warnings = [...(record.warnings ?? []), message];
}

/**
 * The part of a trigger that runs workflows and keeps their execution records: the async accept
 * path, the queue's job handler, and the sync path with `respond`, timeouts and aborts.
 */
export function createRunner(config: ResolvedTriggerConfig) {
  const { executor, executions, clock, timers, timeoutMs, workflow } = config;
  const onExecution = config.hooks.onExecution;
  const putLive = livePutOf(executions);
  const enqueueNow = enqueueNowOf(config.queue);
  const syncRuns = new LinkedList<SyncRun>();
  const finishers = new Map<string, () => void>();
  /** Ends what `waitUntil` holds for a delivery: its run is over, or it was never queued. */
  const letGo = (id: string) => {
    if (finishers.size === 0) return;
    finishers.get(id)?.();
    finishers.delete(id);
  };
  // In-process queues only: accepted deliveries not finished yet (a distributed queue runs them in
  // other processes, which this one must not track), and whether an attempt is running now.
  const inProcess = !config.queue.capabilities?.distributed;
  const unfinished = new UnfinishedJobs();
  // A record's first save carries an id no store holds yet when the ids are random UUIDs: a memory
  // store then need not look it up. Ids from the host's `generateId` may repeat.
  const freshIds = config.generateId === randomId;
  const hiddenVars = config.fields
    .filter((field) => field.source === 'headers' && CREDENTIAL_HEADER.test(field.path))
    .map((field) => field.name);

  function newRecord(context: TriggerContext, status: 'queued' | 'started'): ExecutionRecord {
    return newLiveRecord(context.executionId, context.key, config.mode, status, context.receivedAt);
  }

  /**
   * Calls a host hook with a copy of the record; what it throws or rejects with is ignored (hooks
   * observe, they do not steer runs, and must never crash the process).
   */
  function callHook(
    hook: ((record: ExecutionRecord, job: Job) => unknown) | undefined,
    record: ExecutionRecord,
    job?: Job,
  ) {
    if (!hook) return;
    try {
      const out = hook(copyRecord(record), job as Job);
      if (out instanceof Promise) out.catch(() => {});
    } catch {}
  }

  /**
   * Saves a record after a status change and tells the host. Records are bookkeeping: a store that
   * fails must not fail or crash a run that already happened. `first`: the record's first save.
   */
  function emit(record: ExecutionRecord, first = false): void | Promise<void> {
    let saved: void | Promise<void> | undefined;
    try {
      saved = putLive(record, first && freshIds);
    } catch {}
    if (!(saved instanceof Promise)) return callHook(onExecution, record);
    const notify = () => callHook(onExecution, record);
    // Saved or not, the host hears of the change (a failed save is only lost bookkeeping).
    return saved.then(notify, notify);
  }

  /** Starts an attempt on the record; returns its start time (epoch ms) for {@link finish}. */
  function begin(record: ExecutionRecord, attempt: number): number {
    const startedMs = clock();
    record.status = 'started';
    record.attempts = attempt;
    record.startedAt = isoTime(startedMs);
    const entry = { attempt, startedAt: record.startedAt };
    record.history = record.history ? [...record.history, entry] : [entry];
    return startedMs;
  }

  /** Ends the current attempt on the record; `status` is the record's status from now on. */
  function finish(
    record: ExecutionRecord,
    outcome: Outcome,
    status: ExecutionRecord['status'],
    startedMs: number,
  ) {
    const finishedAt = clock();
    record.finishedAt = isoTime(finishedAt);
    record.durationMs = finishedAt - startedMs;
    record.status = status;
    if (outcome.status === 'resolved') {
      if (outcome.result !== undefined) record.result = outcome.result;
      // Only a retried record has one; deleting an absent key still costs.
      if (record.error !== undefined) delete record.error;
    } else {
      record.error =
        outcome.status === 'failed'
          ? toExecutionError(outcome.error)
          : {
              name: 'WebhookTriggerError',
              message: 'The run timed out.',
              code: 'WORKFLOW_TIMEOUT',
            };
    }
    const last = record.history?.at(-1);
    if (last) {
      last.finishedAt = record.finishedAt;
      last.durationMs = record.durationMs;
      last.status = outcome.status;
      if (record.error && outcome.status !== 'resolved') last.error = record.error;
    }
  }

  /**
   * Starts the workflow (or the executor) and gives its outcome: at once when it returns or throws
   * without a promise, else once its promise settles, or with `timeout` once `timeoutMs` after
   * `startedMs` passes and `onTimeout` says to stop waiting (the run's signal is then aborted).
   * Never throws or rejects.
   */
  function execute(
    job: Job,
    run: RunApi,
    controller: LazyAbort,
    onTimeout: () => boolean,
    startedMs: number,
  ): Outcome | Promise<Outcome> {
    let result: unknown;
    try {
      result = workflow ? workflow(job.context, run) : executor.execute(job, run);
    } catch (error) {
      // A workflow, or a custom executor, may throw synchronously: that is a failed run too.
      return { status: 'failed', error };
    }
    if (!isThenable(result)) return { status: 'resolved', result };
    const pending = result;
    return new Promise<Outcome>((resolve) => {
      // The time the synchronous part of the run took counts against its timeout too.
      const timer = timers.setTimeout(
        () => {
          if (!onTimeout()) return;
          controller.abort(new WebhookTriggerError('WORKFLOW_TIMEOUT'));
          resolve({ status: 'timeout' });
        },
        Math.max(0, startedMs + timeoutMs - clock()),
      );
      const settle = (outcome: Outcome) => {
        timers.clearTimeout(timer);
        resolve(outcome);
      };
      Promise.resolve(pending).then(
        (value) => settle({ status: 'resolved', result: value }),
        (error: unknown) => settle({ status: 'failed', error }),
      );
    });
  }

  /**
   * Records a delivery as `queued` and queues it; throws the refusal (503 `QUEUE_UNAVAILABLE` for a
   * queue that failed) after recording it as `failed`. Nothing is acknowledged that was not queued.
   */
  function enqueueRecorded(record: ExecutionRecord, job: Job): void | Promise<void> {
    let saved: void | Promise<void>;
    try {
      saved = putLive(record, freshIds);
    } catch (error) {
      return refuse(record, job, error);
    }
    // No closures unless the save must be waited for.
    return saved instanceof Promise
      ? saved.then(
          () => enqueue(record, job),
          (error: unknown) => refuse(record, job, error),
        )
      : enqueue(record, job);
  }

  /** The part of {@link enqueueRecorded} once the record is saved. */
  function enqueue(record: ExecutionRecord, job: Job): void | Promise<void> {
    // Tracked and reported before enqueueing: an in-process queue may start the job within
    // enqueue(), and the host hears of `queued` before `started`.
    if (inProcess) unfinished.note(job, record, false);
    callHook(onExecution, record);
    const retry = config.mode === 'async' ? config.retry : undefined;
    let queued: void | Promise<void>;
    try {
      if (enqueueNow) {
        queued = enqueueNow(job, retry?.attempts ?? 1, retry?.backoff);
      } else {
        const options = retry
          ? { id: job.id, attempts: retry.attempts, backoff: retry.backoff }
          : { id: job.id };
        queued = config.queue.enqueue(job, options);
      }
    } catch (error) {
      return refuse(record, job, error);
    }
    return queued instanceof Promise
      ? queued.catch((error: unknown) => refuse(record, job, error))
      : queued;
  }

  /** A delivery the queue refused: recorded as `failed`, and the refusal thrown for the caller. */
  function refuse(record: ExecutionRecord, job: Job, error: unknown): never {
    unfinished.forget(job);
    letGo(job.id);
    // The caller gets a 503 and retries.
    const refusal = isWebhookTriggerError(error)
      ? error
      : new WebhookTriggerError('QUEUE_UNAVAILABLE', undefined, {
          cause: error,
          headers: { 'retry-after': '5' },
        });
    record.status = 'failed';
    record.error = toExecutionError(refusal);
    record.response = fromError(refusal);
    // Not awaited: the store may be down with the queue, and the caller must not wait for it.
    void emit(record);
    throw refusal;
  }

  /** Async mode: records the delivery, queues it, and returns the acknowledgement to send. */
  function accept(
    context: TriggerContext,
    options: RunOptions,
  ): SentResponse | Promise<SentResponse> {
    const sent = config.acknowledgement.render({ $context: context });
    const record = newRecord(context, 'queued');
    record.response = sent;
    const job = new TrackedJob(context);
    // Edge runtimes must keep the process alive for a run that happens here, after the response
    // (registered first: an in-process queue may run the job within enqueue()).
    if (inProcess && options.waitUntil)
      keepAlive(options, new Promise<void>((resolve) => finishers.set(job.id, resolve)));
    const queued = enqueueRecorded(record, job);
    return queued instanceof Promise ? queued.then(() => sent) : sent;
  }

  /**
   * The queue's job handler: runs one attempt of an async delivery and records it. A failed attempt
   * rejects, so the queue retries it while attempts remain; the last one ends as `dead` (with
   * `retry`) or `failed`/`timeout` (without).
   */
  function processJob(job: Job, info: JobInfo): Promise<unknown> {
    return settled(() => processJobNow(job, info));
  }

  /** {@link processJob} for a queue that takes an attempt over at once as over ({@link RUN_NOW}). */
  function processJobNow(job: Job, info: JobInfo): unknown {
    if (config.mode === 'sync') return processSyncJob(job, info);
    // In process, the runner still holds the record it made on accept: no store round trip.
    const entry = unfinished.find(job);
    if (!entry) return attemptStored(job, info);
    entry.running = true;
    return attempt(job, entry.record, info);
  }
  (processJob as JobHandler & { [RUN_NOW]: RunNow })[RUN_NOW] = processJobNow;

  /** {@link processJob} for a job whose record is in the store only (queued by another process). */
  async function attemptStored(job: Job, info: JobInfo): Promise<void> {
    const record = (await executions.get(job.id)) ?? newRecord(job.context, 'queued');
    if (inProcess) unfinished.note(job, record, true);
    return attempt(job, record, info);
  }

  /**
   * Runs one attempt of an async delivery and records it; done at once when the store and the
   * workflow are synchronous. A failed attempt throws (or rejects) with the run's error.
   */
  function attempt(job: Job, record: ExecutionRecord, info: JobInfo): void | Promise<void> {
    const startedMs = begin(record, info.attempt);
    const saved = emit(record);
    // No closure unless the save must be waited for.
    return saved instanceof Promise
      ? saved.then(() => runAttempt(job, record, info, startedMs))
      : runAttempt(job, record, info, startedMs);
  }

  /** The part of {@link attempt} once its start is saved: runs the workflow and records the end. */
  function runAttempt(job: Job, record: ExecutionRecord, info: JobInfo, startedMs: number) {
    const controller = createLazyAbort(info.signal);
    const handle = new RunHandle(controller, info.attempt, () =>
      warn(record, 'respond() has no effect in async mode: the delivery was already acknowledged.'),
    );
    const outcome = execute(job, handle, controller, alwaysStop, startedMs);
    return outcome instanceof Promise
      ? outcome.then((ended) => conclude(job, record, info, ended, startedMs))
      : conclude(job, record, info, outcome, startedMs);
  }

  /** Records how an attempt ended: settled, queued for a retry, or dead; throws a failed one's error. */
  function conclude(
    job: Job,
    record: ExecutionRecord,
    info: JobInfo,
    outcome: Outcome,
    startedMs: number,
  ): void | Promise<void> {
    if (outcome.status === 'resolved') {
      finish(record, outcome, 'resolved', startedMs);
      return settle(record, job);
    }
    const error =
      outcome.status === 'failed' ? outcome.error : new WebhookTriggerError('WORKFLOW_TIMEOUT');
    let saved: void | Promise<void>;
    // An in-process queue that gave up at close() (its signal aborted) will not run a retry: this
    // attempt is the last. While it is still draining it does retry, so the run stays queued.
    if (shouldRetry(error, info.attempt, info.attempts) && !(inProcess && info.signal.aborted)) {
      finish(record, outcome, 'queued', startedMs);
      if (inProcess) unfinished.note(job, record, false);
      saved = emit(record);
    } else {
      finish(record, outcome, config.retry ? 'dead' : outcome.status, startedMs);
      saved = settle(record, job);
    }
    return after(saved, () => {
      throw error;
    });
  }

  /**
   * The job handler of a sync trigger whose queue runs jobs in another process: runs the workflow
   * once (no retries: the caller is waiting) and resolves with the response to send, which the
   * queue carries back to the process holding the request. Never rejects.
   */
  async function processSyncJob(job: Job, info: JobInfo): Promise<SentResponse> {
    const record = (await executions.get(job.id)) ?? newRecord(job.context, 'queued');
    const startedMs = begin(record, info.attempt);
    await emit(record);
    const controller = createLazyAbort(info.signal);
    let sent: SentResponse | undefined;
    const run = new RunHandle(controller, info.attempt, (spec) => {
      if (sent) warn(record, 'respond() was called after the response was sent; ignored.');
      else sent = render(spec, job.context);
    });
    const outcome = await execute(job, run, controller, alwaysStop, startedMs);
    if (!sent) sent = outcomeResponse(outcome);
    record.response = sent;
    finish(record, outcome, outcome.status, startedMs);
    await emit(record);
    return sent;
  }

  /** The response a sync run answers with when the workflow did not call `respond()`. */
  function outcomeResponse(outcome: Outcome): SentResponse {
    if (outcome.status === 'failed') return failure(outcome.error);
    if (outcome.status === 'timeout') return fromError(new WebhookTriggerError('WORKFLOW_TIMEOUT'));
    try {
      return fromValue(outcome.result);
    } catch (error) {
      return fromError(error);
    }
  }

  /**
   * The queue gave up on a job its handler never settled (its worker died too often): the run is
   * recorded as `dead` and handed to `onDeadLetter`, unless a record already shows its end.
   */
  async function lose(job: Job, reason: ExecutionError): Promise<void> {
    const record = (await executions.get(job.id)) ?? newRecord(job.context, 'queued');
    if (!isRunning(record.status)) return;
    record.status = 'dead';
    record.error = reason;
    record.finishedAt = isoTime(clock());
    await emit(record);
    callHook(config.hooks.onDeadLetter, record, job);
  }

  /** Records the final status of an async run and lets go of it. */
  function settle(record: ExecutionRecord, job: Job): void | Promise<void> {
    unfinished.forget(job);
    const saved = emit(record);
    // No closure unless the save must be waited for.
    return saved instanceof Promise
      ? saved.then(() => afterSettle(record, job))
      : afterSettle(record, job);
  }

  /** The part of {@link settle} once the final status is saved. */
  function afterSettle(record: ExecutionRecord, job: Job) {
    if (record.status === 'dead') callHook(config.hooks.onDeadLetter, record, job);
    letGo(record.id);
  }

  function failure(error: unknown): SentResponse {
    if (isWebhookTriggerError(error)) return fromError(error);
    const message = config.exposeErrors && error instanceof Error ? error.message : undefined;
    return fromError(new WebhookTriggerError('WORKFLOW_FAILED', message, { cause: error }));
  }

  function render(spec: ResponseSpec, context: TriggerContext): SentResponse {
    try {
      if (spec === null || typeof spec !== 'object') {
        throw new WebhookTriggerError(
          'INVALID_RESPONSE',
          'respond() takes an object: { status, headers, body }.',
        );
      }
      let sent: string[] | undefined;
      const isLiteral = (expression: string) => {
        sent ??= callerText(context);
        return sent.some((text) => text.includes(expression));
      };
      return compileResponse(spec, 200, isLiteral).render({
        $context: respondScope(context, hiddenVars),
      });
    } catch (error) {
      return fromError(error, 'INVALID_RESPONSE');
    }
  }

  /** The answer to a sync delivery whose run did not end within `timeoutMs`. */
  function timedOut(context: TriggerContext): SentResponse {
    return config.onTimeout === 'accept'
      ? fromValue({ executionId: context.executionId }, 202)
      : fromError(new WebhookTriggerError('WORKFLOW_TIMEOUT'));
  }

  /**
   * Sync mode over a queue that runs jobs in other processes: queues the delivery and waits, up to
   * `timeoutMs`, for the response its run decided (carried back by the queue). The worker records
   * the run; this process only records a refusal to queue.
   */
  async function runRemote(context: TriggerContext): Promise<SentResponse> {
    const wait = config.queue.waitForResult as NonNullable<Queue['waitForResult']>;
    const record = newRecord(context, 'queued');
    const job: Job = { id: context.executionId, key: context.key, context };
    await enqueueRecorded(record, job);
    const controller = createLazyAbort(undefined);
    const stopped = new Promise<never>((_, reject) => {
      controller.signal.addEventListener('abort', () => reject(controller.signal.reason), {
        once: true,
      });
    });
    const done = Promise.race([wait.call(config.queue, job.id, timeoutMs), stopped]);
    const entry: SyncRun = {
      done: done.catch(() => {}),
      controller,
      prev: undefined,
      next: undefined,
    };
    syncRuns.push(entry);
    try {
      const result = await done;
      return isSentResponse(result) ? result : fromValue(result);
    } catch (error) {
      if (isWebhookTriggerError(error, 'WORKFLOW_TIMEOUT')) return timedOut(context);
      return failure(error);
    } finally {
      syncRuns.remove(entry);
    }
  }

  /** Sync mode: runs the workflow and resolves with the response it decides. */
  function runSync(context: TriggerContext, options: RunOptions): Promise<SentResponse> {
    if (!inProcess) return runRemote(context);
    const record = newRecord(context, 'started');
    const startedMs = begin(record, 1);
    void emit(record, true);
    const controller = createLazyAbort(options.signal);
    let answer: (sent: SentResponse) => void = () => {};
    const response = new Promise<SentResponse>((resolve) => {
      answer = resolve;
    });
    let answered = false;
    const reply = (sent: SentResponse) => {
      if (answered) return;
      answered = true;
      record.response = sent;
      answer(sent);
    };
    const run = new RunHandle(controller, 1, (spec) => {
      if (answered) warn(record, 'respond() was called after the response was sent; ignored.');
      else reply(render(spec, context));
    });
    const job: Job = { id: context.executionId, key: context.key, context };
    const outcome = execute(
      job,
      run,
      controller,
      () => {
        reply(timedOut(context));
        return config.onTimeout !== 'accept';
      },
      startedMs,
    );
    const done = Promise.resolve(outcome).then(async (outcome) => {
      // A timeout already answered (408 or 202) in the callback above.
      if (outcome.status !== 'timeout') reply(outcomeResponse(outcome));
      finish(record, outcome, outcome.status, startedMs);
      await emit(record);
    });
    // Work after respond() or after a 202 outlives the response: edge runtimes must keep it alive.
    keepAlive(options, done);
    const entry: SyncRun = { done, controller, prev: undefined, next: undefined };
    syncRuns.push(entry);
    void done.finally(() => syncRuns.remove(entry));
    return response;
  }

  /**
   * After the queue closed: async deliveries still waiting (never started, or between attempts) will
   * not run in this process. They are recorded as `dead` and handed to `onDeadLetter`, so that the
   * host can keep them; attempts still running record their own outcome.
   */
  async function abandonWaiting() {
    for (const entry of unfinished.list()) {
      if (entry.running) continue;
      const { job, record } = entry;
      record.status = 'dead';
      record.error = {
        name: 'WebhookTriggerError',
        message:
          record.attempts === 0
            ? 'The trigger closed before this delivery ran.'
            : 'The trigger closed before this delivery was retried.',
        code: 'SHUTTING_DOWN',
      };
      await settle(record, job);
    }
  }

  /** Waits for running sync runs, aborting them past the timeout. */
  async function close(options: CloseOptions) {
    if (syncRuns.size === 0) return;
    const late = await waitUntilDeadline(
      Promise.all(syncRuns.toArray().map((run) => run.done)),
      options,
    );
    if (late) {
      for (const run of syncRuns.toArray()) {
        run.controller.abort(new WebhookTriggerError('SHUTTING_DOWN'));
      }
    }
  }

  return { accept, processJob, lose, runSync, close, abandonWaiting };
}
