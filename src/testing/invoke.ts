import type { ExecutionRecord, ExecutionStatus } from '../runner/index.js';
import type { TriggerCallOptions, WebhookTrigger } from '../trigger/index.js';
import { createTestRequest, type TestRequestConfig } from './test-request.js';
import { pause } from './turns.js';

/** Options of {@link invoke}. */
export interface InvokeOptions {
  /**
   * How long to wait, in real time, for the response and for the run to end. With a `fakeClock()`
   * as the trigger's clock, time only moves when the test advances it: advance it while `invoke`
   * waits (see the example of {@link invoke}).
   * @defaultValue `5000`
   */
  timeoutMs?: number;
  /** The client IP, as an adapter would pass it (for `ipAllow` and `ctx.ip`). */
  clientIp?: string;
  /** Route parameters, copied to `ctx.params`. */
  params?: Record<string, string>;
  /** Aborts a sync run's `signal`, as a client that goes away does. */
  signal?: AbortSignal;
}

/** What {@link invoke} saw of one delivery. */
export interface InvokeResult {
  /** The trigger's response (its body is still unread: `body` was read from a clone). */
  response: Response;
  /** The response status. */
  status: number;
  /** The response headers, lower-case names. */
  headers: Record<string, string>;
  /**
   * The response body: parsed when the content type is JSON (`application/json`, `+json`) and the
   * body is valid JSON, otherwise the text (`''` when empty).
   */
  body: unknown;
  /**
   * The execution record of this delivery's run, once the run has ended (`resolved`, `failed`,
   * `timeout` or `dead`). `undefined` when the trigger refused the delivery before running it
   * (401, 404, 405, 413, 415, 400 …), and for a duplicate answered by `dedupe` with the first
   * response.
   */
  execution: ExecutionRecord | undefined;
}

const ENDED: ReadonlySet<ExecutionStatus> = new Set(['resolved', 'failed', 'timeout', 'dead']);

/** How often the store is read while waiting, for runs that do not report their end in process. */
const POLL_MS = 10;

/**
 * Per trigger, the end of the last delivery's acceptance: deliveries made through `invoke` are
 * accepted one at a time, so that each one's record is the only one to appear meanwhile.
 */
const accepting = new WeakMap<WebhookTrigger, Promise<void>>();

function isRequest(value: unknown): value is Request {
  return (
    value instanceof Request ||
    (value !== null &&
      typeof value === 'object' &&
      typeof (value as Request).arrayBuffer === 'function' &&
      typeof (value as Request).url === 'string')
  );
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.clone().text();
  const essence = (response.headers.get('content-type') ?? '').split(';', 1)[0]?.trim() ?? '';
  if (text === '' || !/^application\/([\w.+-]+\+)?json$/i.test(essence)) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

async function idsOf(trigger: WebhookTrigger): Promise<Set<string>> {
  const records = await trigger.executions.list();
  return new Set(records.filter((r) => r.key === trigger.key).map((r) => r.id));
}

/** The record of this trigger that is not among `before`; throws when there are several. */
async function newRecord(
  trigger: WebhookTrigger,
  before: Set<string>,
): Promise<ExecutionRecord | undefined> {
  const records = (await trigger.executions.list()).filter(
    (r) => r.key === trigger.key && !before.has(r.id),
  );
  if (records.length > 1) {
    throw new Error(
      `invoke: ${records.length} deliveries reached trigger "${trigger.key}" while this one was accepted (${records.map((r) => r.id).join(', ')}), so its execution record cannot be told apart. Make the other deliveries with invoke() too, or await them first.`,
    );
  }
  return records[0];
}

function timeoutOf(options: InvokeOptions): number {
  const { timeoutMs = 5000 } = options;
  if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new RangeError(
      `invoke: option "timeoutMs" must be a positive number of milliseconds, received ${String(timeoutMs)}`,
    );
  }
  return timeoutMs;
}

function timedOut(trigger: WebhookTrigger, timeoutMs: number, record?: ExecutionRecord): Error {
  const hint =
    'If the trigger runs on a fakeClock(), advance the clock while invoke() waits, or raise timeoutMs.';
  return new Error(
    record
      ? `invoke: execution ${record.id} of trigger "${trigger.key}" did not end within ${timeoutMs} ms (last status: ${record.status}). ${hint}`
      : `invoke: trigger "${trigger.key}" did not answer within ${timeoutMs} ms. ${hint}`,
  );
}

/**
 * Sends one delivery to a trigger, as a test would, and waits for its outcome: the response, read,
 * and the execution record of the run it started once that run has ended. In async mode that means
 * after the background run and its retries (the record is then `resolved`, `failed`, `timeout` or
 * `dead`); in sync mode, after the run that answered (it may go on past the response, with
 * `respond()` or `onTimeout: 'accept'`).
 *
 * The record is the one that appeared in `trigger.executions` while the trigger accepted the
 * delivery. Calls on the same trigger are accepted one at a time (runs still overlap), so that each
 * finds its own; a delivery made to the trigger by other means at the same moment makes `invoke`
 * throw rather than guess.
 *
 * @param trigger - a trigger from `createWebhookTrigger`.
 * @param requestOrConfig - a `Request` (or a promise of one, as a signed `createTestRequest`
 * returns), or the options of {@link createTestRequest}.
 * @param options - `timeoutMs`, and what an adapter would pass (`clientIp`, `params`, `signal`).
 * @returns the response, its status, headers and body, and the execution record (`undefined` when
 * the delivery was refused before it ran).
 * @throws Error (as a rejection) when the response or the end of the run does not come within
 * `timeoutMs` (the message names the execution id and its last status); RangeError for a bad
 * `timeoutMs`; the TypeError of {@link createTestRequest} for bad request options.
 * @example
 * ```ts
 * const clock = fakeClock();
 * const trigger = createWebhookTrigger({
 *   clock,
 *   retry: { attempts: 2, backoff: { type: 'fixed', delayMs: 1000 } },
 *   workflow: () => { throw new Error('stock service down'); },
 * });
 * const pending = invoke(trigger, { body: { orderId: 'A-1' }, clock });
 * await clock.advance(1000); // the retry falls due
 * const { status, execution } = await pending;
 * // status 200 (acknowledged); execution.status 'dead' after 2 attempts
 * ```
 */
export async function invoke(
  trigger: WebhookTrigger,
  requestOrConfig: Request | Promise<Request> | TestRequestConfig = {},
  options: InvokeOptions = {},
): Promise<InvokeResult> {
  if (typeof trigger !== 'function' || typeof trigger.executions?.list !== 'function') {
    throw new TypeError('invoke: the first argument must be a trigger from createWebhookTrigger');
  }
  const timeoutMs = timeoutOf(options ?? {});
  const given = requestOrConfig instanceof Promise ? await requestOrConfig : requestOrConfig;
  const request = isRequest(given) ? given : await createTestRequest(given);
  const { timeoutMs: _timeoutMs, ...call } = options ?? {};

  const deadline = pause(timeoutMs);
  let record: ExecutionRecord | undefined;
  const expired = deadline.done.then(() => {
    throw timedOut(trigger, timeoutMs, record);
  });
  // Settled only by the race below; keep an unobserved expiry from being reported.
  expired.catch(() => {});

  const previous = accepting.get(trigger) ?? Promise.resolve();
  let accepted = () => {};
  const turn = new Promise<void>((resolve) => {
    accepted = resolve;
  });
  const chain = previous.then(() => turn);
  accepting.set(trigger, chain);
  try {
    await Promise.race([previous, expired]);
    const before = await idsOf(trigger);
    // In process, the trigger hands the run's end to waitUntil right after it made the record.
    let ended: Promise<unknown> | undefined;
    let started = () => {};
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    const callOptions: TriggerCallOptions = {
      ...call,
      waitUntil: (work) => {
        ended ??= work.catch(() => {});
        started();
      },
    };
    const responding = trigger(request, callOptions);
    await Promise.race([responding.then(() => {}), running, expired]);
    record = await newRecord(trigger, before);
    // A store that saves asynchronously may show a started run's record a little later.
    while (!record && ended) {
      const poll = pause(POLL_MS);
      await Promise.race([poll.done, expired]);
      poll.cancel();
      record = await newRecord(trigger, before);
    }
    if (!record) await Promise.race([responding, expired]);
    record ??= await newRecord(trigger, before);
    accepted();

    const response = await Promise.race([responding, expired]);
    const body = await readBody(response);
    let execution: ExecutionRecord | undefined;
    if (record) {
      for (;;) {
        execution = (await trigger.executions.get(record.id)) ?? record;
        record = execution;
        if (ENDED.has(execution.status)) break;
        const poll = pause(POLL_MS);
        await Promise.race([ended ? Promise.race([ended, poll.done]) : poll.done, expired]);
        poll.cancel();
      }
    }
    return {
      response,
      status: response.status,
      headers: Object.fromEntries(response.headers),
      body,
      execution,
    };
  } finally {
    accepted();
    deadline.cancel();
    if (accepting.get(trigger) === chain) accepting.delete(trigger);
  }
}
