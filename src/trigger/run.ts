import type { ResponseSpec, SentResponse } from '../response/index.js';
import {
  compileResponse,
  fromError,
  fromValue,
  isWebhookTriggerError,
  WebhookTriggerError,
} from '../response/index.js';
import type {
  CloseOptions,
  ExecutionError,
  ExecutionRecord,
  Job,
  JobInfo,
  RunApi,
  TriggerContext,
} from '../runner/index.js';
import { waitUntilDeadline } from '../runner/index.js';
import type { ResolvedTriggerConfig } from './config.js';

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

/**
 * Every string a caller sent that holds template delimiters. A spec string containing one of them
 * (whole, or built from it, or from pieces split across fields) is sent as plain text.
 */
function templateLikeStrings(context: TriggerContext): string[] {
  const found = new Set<string>();
  const stack: unknown[] = [
    context.url,
    context.params,
    context.headers,
    context.query,
    context.body,
  ];
  // Bounded like the parsers: a body is at most limits.maxBodyBytes, so this walk is too.
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value === 'string') {
      if (value.includes('{{') || value.includes('}}')) found.add(value);
    } else if (value !== null && typeof value === 'object') {
      for (const item of Object.values(value)) stack.push(item);
    }
  }
  return [...found];
}

function warn(record: ExecutionRecord, message: string) {
  record.warnings = [...(record.warnings ?? []), message];
}

/**
 * The part of a trigger that runs workflows and keeps their execution records: the async accept
 * path, the queue's job handler, and the sync path with `respond`, timeouts and aborts.
 */
export function createRunner(config: ResolvedTriggerConfig) {
  const { executor, executions, clock, timeoutMs } = config;
  const syncRuns = new Set<{ done: Promise<unknown>; controller: AbortController }>();
  const finishers = new Map<string, () => void>();
  const now = () => new Date(clock()).toISOString();

  function newRecord(context: TriggerContext, status: 'queued' | 'started'): ExecutionRecord {
    return {
      id: context.executionId,
      key: context.key,
      mode: config.mode,
      status,
      attempts: 0,
      receivedAt: context.receivedAt,
    };
  }

  // Records are bookkeeping: a store that fails must not fail or crash a run that already happened.
  async function save(record: ExecutionRecord) {
    try {
      await executions.put(record);
    } catch {}
  }

  function begin(record: ExecutionRecord, attempt: number) {
    record.status = 'started';
    record.attempts = attempt;
    record.startedAt = now();
  }

  function finish(record: ExecutionRecord, outcome: Outcome) {
    const finishedAt = clock();
    record.finishedAt = new Date(finishedAt).toISOString();
    record.durationMs = record.startedAt ? finishedAt - Date.parse(record.startedAt) : 0;
    record.status = outcome.status;
    if (outcome.status === 'resolved' && outcome.result !== undefined)
      record.result = outcome.result;
    if (outcome.status === 'failed') record.error = toExecutionError(outcome.error);
    if (outcome.status === 'timeout') {
      record.error = {
        name: 'WebhookTriggerError',
        message: 'The run timed out.',
        code: 'WORKFLOW_TIMEOUT',
      };
    }
  }

  /**
   * Starts the executor and settles with its outcome, or with `timeout` once `timeoutMs` passes and
   * `onTimeout` says to stop waiting (the run's signal is then aborted). Never rejects.
   */
  function execute(job: Job, run: RunApi, controller: AbortController, onTimeout: () => boolean) {
    return new Promise<Outcome>((resolve) => {
      const timer = setTimeout(() => {
        if (!onTimeout()) return;
        controller.abort(new WebhookTriggerError('WORKFLOW_TIMEOUT'));
        resolve({ status: 'timeout' });
      }, timeoutMs);
      // A custom executor may throw synchronously: starting it inside `then` turns that into a rejection.
      Promise.resolve()
        .then(() => executor.execute(job, run))
        .then(
          (result) => resolve({ status: 'resolved', result }),
          (error: unknown) => resolve({ status: 'failed', error }),
        )
        .finally(() => clearTimeout(timer));
    });
  }

  function signalOf(controller: AbortController, external: AbortSignal | undefined): AbortSignal {
    return external ? AbortSignal.any([controller.signal, external]) : controller.signal;
  }

  /** Async mode: records the delivery, queues it, and returns the acknowledgement to send. */
  async function accept(context: TriggerContext, options: RunOptions): Promise<SentResponse> {
    const sent = config.acknowledgement.render({ $context: context });
    const record = newRecord(context, 'queued');
    record.response = sent;
    const job: Job = { id: context.executionId, key: context.key, context };
    try {
      await executions.put(record);
      await config.queue.enqueue(job, { id: job.id });
    } catch (error) {
      // Nothing is acknowledged that was not queued: the caller gets a 503 and retries.
      const refusal = isWebhookTriggerError(error)
        ? error
        : new WebhookTriggerError('QUEUE_UNAVAILABLE', undefined, {
            cause: error,
            headers: { 'retry-after': '5' },
          });
      record.status = 'failed';
      record.error = toExecutionError(refusal);
      record.response = fromError(refusal);
      await save(record);
      throw refusal;
    }
    options.waitUntil?.(new Promise<void>((resolve) => finishers.set(job.id, resolve)));
    return sent;
  }

  /** The queue's job handler: runs one attempt of an async delivery and records it. */
  async function processJob(job: Job, info: JobInfo): Promise<void> {
    const record = (await executions.get(job.id)) ?? newRecord(job.context, 'queued');
    begin(record, info.attempt);
    await save(record);
    const controller = new AbortController();
    const run: RunApi = {
      respond: () =>
        warn(
          record,
          'respond() has no effect in async mode: the delivery was already acknowledged.',
        ),
      signal: signalOf(controller, info.signal),
      attempt: info.attempt,
    };
    finish(record, await execute(job, run, controller, () => true));
    await save(record);
    finishers.get(job.id)?.();
    finishers.delete(job.id);
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
      const isLiteral = (text: string) => {
        sent ??= templateLikeStrings(context);
        return sent.some((piece) => text.includes(piece));
      };
      return compileResponse(spec, 200, isLiteral).render({ $context: context });
    } catch (error) {
      return fromError(error, 'INVALID_RESPONSE');
    }
  }

  /** Sync mode: runs the workflow and resolves with the response it decides. */
  function runSync(context: TriggerContext, options: RunOptions): Promise<SentResponse> {
    const record = newRecord(context, 'started');
    begin(record, 1);
    void save(record);
    const controller = new AbortController();
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
    const run: RunApi = {
      respond(spec) {
        if (answered) warn(record, 'respond() was called after the response was sent; ignored.');
        else reply(render(spec, context));
      },
      signal: signalOf(controller, options.signal),
      attempt: 1,
    };
    const job: Job = { id: context.executionId, key: context.key, context };
    const done = execute(job, run, controller, () => {
      if (config.onTimeout === 'accept') {
        reply(fromValue({ executionId: context.executionId }, 202));
        return false;
      }
      reply(fromError(new WebhookTriggerError('WORKFLOW_TIMEOUT')));
      return true;
    }).then(async (outcome) => {
      if (outcome.status === 'failed') reply(failure(outcome.error));
      if (outcome.status === 'resolved') {
        try {
          reply(fromValue(outcome.result));
        } catch (error) {
          reply(fromError(error));
        }
      }
      finish(record, outcome);
      await save(record);
    });
    // Work after respond() or after a 202 outlives the response: edge runtimes must keep it alive.
    options.waitUntil?.(done);
    const entry = { done, controller };
    syncRuns.add(entry);
    void done.finally(() => syncRuns.delete(entry));
    return response;
  }

  /** Waits for running sync runs, aborting them past the timeout. */
  async function close(options: CloseOptions) {
    if (syncRuns.size === 0) return;
    const late = await waitUntilDeadline(
      Promise.all([...syncRuns].map((run) => run.done)),
      options,
    );
    if (late)
      for (const run of syncRuns) run.controller.abort(new WebhookTriggerError('SHUTTING_DOWN'));
  }

  return { accept, processJob, runSync, close };
}
