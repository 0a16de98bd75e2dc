import type { FieldConfig, ResolvedField } from '../parse/index.js';
import { createMediaTypeMatcher, getPath, resolveField } from '../parse/index.js';
import type { CompiledResponse, ResponseSpec } from '../response/index.js';
import { compileResponse, isWebhookTriggerError } from '../response/index.js';
import type {
  BackoffConfig,
  Clock,
  DedupeStore,
  ExecutionRecord,
  ExecutionStore,
  Executor,
  Job,
  Queue,
  TriggerContext,
  Workflow,
} from '../runner/index.js';
import {
  memoryDedupeStore,
  memoryExecutionStore,
  memoryQueue,
  workflowExecutor,
} from '../runner/index.js';
import { realTimers } from '../runner/memory-queue.js';
import { randomId } from '../runner/random-id.js';
import type { AuthCheck, AuthConfig } from '../verify/auth.js';
import { createAuthCheck } from '../verify/auth.js';
import { createIpCheck, type IpCheck, type TrustProxyConfig } from '../verify/ip.js';
import type { Verifier } from '../verify/types.js';

/** `async`: acknowledge once queued, run in the background. `sync`: run, answer with the outcome. */
export type TriggerMode = 'async' | 'sync';

/** Variables to extract from each part of the request into `ctx.vars`. */
export interface RequestFieldsConfig {
  /** Header names to extract (case-insensitive). */
  headers?: FieldConfig[];
  /** Query paths to extract, e.g. `id` or `filter[0].name`. */
  query?: FieldConfig[];
  /** Body paths to extract, e.g. `order.id` or `items[0].sku`. */
  body?: FieldConfig[];
}

/** Size and time limits. */
export interface LimitsConfig {
  /**
   * The largest body accepted, checked on `Content-Length` and while reading. Raise it for senders
   * with large payloads; lower it for endpoints that only receive small events.
   * @defaultValue `1048576` (1 MiB)
   */
  maxBodyBytes?: number;
  /**
   * How long a run may take. Past it, async runs and sync runs with `onTimeout: 'reject'` are
   * recorded as `timeout` and their `signal` is aborted (a sync caller not yet answered gets 408);
   * with `onTimeout: 'accept'` a caller not yet answered gets 202 and the run goes on. Sync runs
   * are handed to the caller's `waitUntil`, so edge runtimes keep work after the response alive.
   * @defaultValue `30000`
   */
  timeoutMs?: number;
}

/** Cross-origin access for triggers called from browsers (form tools, widgets). */
export interface CorsConfig {
  /** Allowed origins, or `'*'` for any. */
  origin: string | string[];
  /** Request headers a browser may send. @defaultValue whatever the preflight asks for */
  allowHeaders?: string[];
  /** How long browsers may cache a preflight answer. @defaultValue `600` */
  maxAgeSeconds?: number;
  /** Allow credentials (cookies, HTTP auth); needs explicit origins. @defaultValue `false` */
  credentials?: boolean;
}

/** Retries of async runs. */
export interface RetryConfig {
  /** How many attempts in all, first included (1–100). @defaultValue `3` */
  attempts?: number;
  /** Delays between attempts. @defaultValue `{ type: 'exponential', delayMs: 1000, maxDelayMs: 60000, jitter: 0.2 }` */
  backoff?: BackoffConfig;
}

/** Callbacks for host logging, metrics and dead-letter handling. Errors they throw are ignored. */
export interface TriggerHooks {
  /** Called on every status change of every execution, with a copy of its record. */
  onExecution?(record: ExecutionRecord): void;
  /**
   * Called when an async run will not be tried again (attempts exhausted, a `NonRetryableError`, or
   * still waiting when `close()` gave up): persist or alert here. `job.context` holds the whole
   * delivery (headers, body, raw bytes), so it can be stored and replayed later.
   */
  onDeadLetter?(record: ExecutionRecord, job: Job): void;
}

/** Repeated deliveries answered with the first response instead of running again. */
export interface DedupeConfig {
  /**
   * What identifies a delivery: `'delivery'` (the delivery id header of the `verify` sender), a
   * header name (`'x-github-delivery'`, `'webhook-id'`,
   * `'idempotency-key'`), a context path starting with `body.`, `query.`, `headers.`, `params.` or
   * `vars.` (`'body.id'`), or a function of the context. Deliveries without a key are never
   * deduplicated: identical pings are legitimate.
   */
  key: string | ((ctx: TriggerContext) => string | number | undefined | null);
  /** How long a key is remembered. @defaultValue `86400` (one day) */
  ttlSeconds?: number;
  /** Where keys and first responses are kept. @defaultValue `memoryDedupeStore()` on the trigger's clock */
  store?: DedupeStore;
}

/**
 * Everything that defines a webhook trigger. Only `workflow` (or `executor`) is required.
 */
export interface WebhookTriggerConfig {
  /** The workflow to run for each accepted delivery. Required unless `executor` is given. */
  workflow?: Workflow;
  /** Runs jobs instead of calling `workflow` in-process, e.g. by handing them to another engine. */
  executor?: Executor;
  /**
   * `async` answers `response` once the run is queued; `sync` runs first and answers what the
   * workflow decides.
   * @defaultValue `'async'`
   */
  mode?: TriggerMode;
  /** The trigger's key (used in routes and realms). @defaultValue a random 11-character id */
  key?: string;
  /** A disabled trigger answers 404 `TRIGGER_DISABLED`. @defaultValue `true` */
  enabled?: boolean;
  /** Accepted HTTP methods; others get 405 with an `Allow` header. @defaultValue `['POST']` */
  methods?: string[];
  /**
   * Addresses and CIDR ranges (IPv4 and IPv6) allowed to call; others get 403 `IP_NOT_ALLOWED`, and
   * so does a request whose address is unknown. Set it to the sender's published ranges.
   */
  ipAllow?: string[];
  /**
   * Which proxies to believe about the client address (`X-Forwarded-For`, read right to left): a hop
   * count, or a list of proxy addresses/CIDRs. Without it the header is ignored, so a forged one
   * changes nothing. It also decides `ctx.ip`.
   */
  trustProxy?: TrustProxyConfig;
  /** Caller authentication: Basic, a bearer token, or a token in a header. */
  auth?: AuthConfig;
  /**
   * Signature verifiers (from `hookflow/verify`), checked on the raw bytes after `auth`; with a
   * list, every one must pass. A failure answers 401 `SIGNATURE_INVALID`.
   */
  verify?: Verifier | Verifier[];
  /** Fields to extract into `ctx.vars`, per request part. */
  request?: RequestFieldsConfig;
  /**
   * Async mode: the acknowledgement (templates allowed).
   * @defaultValue `{ status: 200, body: 'ok' }`
   */
  response?: ResponseSpec;
  /** Body size and run time limits. */
  limits?: LimitsConfig;
  /**
   * Sync mode, past `limits.timeoutMs`: `reject` answers 408 `WORKFLOW_TIMEOUT` and aborts the run;
   * `accept` answers 202 `{ executionId }` and lets the run go on.
   * @defaultValue `'reject'`
   */
  onTimeout?: 'reject' | 'accept';
  /**
   * Media ranges accepted for non-empty bodies (`application/json`, `text/*`,
   * `application/*+json`); others get 415. @defaultValue any
   */
  accept?: string[];
  /** Answer CORS preflights and add CORS headers. @defaultValue off */
  cors?: CorsConfig;
  /**
   * Sync mode: send a failed workflow's error message to the caller. Leave off in production: error
   * messages can hold internals. @defaultValue `false`
   */
  exposeErrors?: boolean;
  /**
   * The current time in epoch milliseconds (timestamps only), or a {@link Clock} that also drives
   * run timeouts and retry delays; tests pass `fakeClock()` from `hookflow/testing`.
   * @defaultValue `Date.now` and the real timers
   */
  clock?: (() => number) | Clock;
  /** Makes execution ids. @defaultValue random version 4 UUIDs, like `crypto.randomUUID()` */
  generateId?: () => string;
  /** Where async deliveries wait. @defaultValue `memoryQueue()` */
  queue?: Queue;
  /** Where execution records are kept. @defaultValue `memoryExecutionStore()` */
  executions?: ExecutionStore;
  /** Async mode: retry failed runs with backoff, then dead-letter them. @defaultValue one attempt */
  retry?: RetryConfig;
  /** Callbacks on execution status changes and dead letters. */
  hooks?: TriggerHooks;
  /** The same as `hooks.onDeadLetter` (both are called when both are set). */
  onDeadLetter?: TriggerHooks['onDeadLetter'];
  /** Answer repeated deliveries with the first response instead of running again. */
  dedupe?: DedupeConfig;
}

/** The config after validation, with every default applied and everything compiled once. */
export interface ResolvedTriggerConfig {
  key: string;
  mode: TriggerMode;
  enabled: boolean;
  methods: ReadonlySet<string>;
  allow: string;
  checkAuth: AuthCheck | undefined;
  /** Works out the client IP (and enforces `ipAllow`); undefined when neither option is set. */
  checkIp: IpCheck | undefined;
  verifiers: readonly Verifier[];
  fields: readonly ResolvedField[];
  acknowledgement: CompiledResponse;
  maxBodyBytes: number;
  timeoutMs: number;
  onTimeout: 'reject' | 'accept';
  accepts: ((essence: string) => boolean) | undefined;
  cors: ResolvedCors | undefined;
  exposeErrors: boolean;
  clock: () => number;
  timers: Pick<Clock, 'setTimeout' | 'clearTimeout'>;
  generateId: () => string;
  executor: Executor;
  /**
   * The workflow itself when no custom `executor` is given: the runner calls it directly, so a
   * workflow that returns without a promise completes without one.
   */
  workflow: Workflow | undefined;
  queue: Queue;
  executions: ExecutionStore;
  retry: { attempts: number; backoff: BackoffConfig } | undefined;
  hooks: TriggerHooks;
  dedupe: ResolvedDedupe | undefined;
}

/** Dedupe settings resolved once. */
export interface ResolvedDedupe {
  keyOf: (ctx: TriggerContext) => string | undefined;
  ttlSeconds: number;
  store: DedupeStore;
}

/** CORS settings resolved once. */
export interface ResolvedCors {
  anyOrigin: boolean;
  allowOrigin: (origin: string) => string | undefined;
  allowHeaders: string | undefined;
  maxAgeSeconds: number;
  credentials: boolean;
}

const KEY_PATTERN = /^[A-Za-z0-9._~-]{1,128}$/;
const METHOD_PATTERN = /^[A-Z]+$/;
const KEY_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/** A random 11-character lower-case base-36 id, like the keys low-code platforms give triggers. */
export function createTriggerKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(11));
  let key = '';
  // 252 = 7 × 36: bytes below it map to the alphabet without bias; the rest are redrawn.
  for (let i = 0; i < bytes.length; i++) {
    let byte = bytes[i] as number;
    while (byte >= 252) byte = (crypto.getRandomValues(new Uint8Array(1))[0] as number) ?? 0;
    key += KEY_ALPHABET[byte % 36];
  }
  return key;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'an array';
  return value === null ? 'null' : typeof value === 'object' ? 'an object' : String(value);
}

function fail(option: string, expected: string, value: unknown): never {
  throw new TypeError(
    `createWebhookTrigger: option "${option}" must be ${expected}, received ${describe(value)}`,
  );
}

/** Timers hold 32-bit signed milliseconds: a longer delay fires at once (about 24.8 days). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

function positive(
  option: string,
  value: unknown,
  fallback: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value)) fail(option, 'an integer', value);
  if (value <= 0 || value > max) {
    throw new RangeError(
      `createWebhookTrigger: option "${option}" must be from 1 to ${max}, received ${value}`,
    );
  }
  return value;
}

function oneOf<T extends string>(
  option: string,
  value: unknown,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value as T)) fail(option, allowed.map((a) => `'${a}'`).join(' or '), value);
  return value as T;
}

function optionalFunction<T>(option: string, value: unknown, fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'function') fail(option, 'a function', value);
  return value as T;
}

function resolveClock(clock: WebhookTriggerConfig['clock']) {
  if (clock === undefined || typeof clock === 'function') {
    return { clock: clock ?? Date.now, timers: realTimers };
  }
  const given = withMethods('clock', clock, ['now', 'setTimeout', 'clearTimeout']) as Clock;
  return {
    clock: () => given.now(),
    timers: {
      setTimeout: (callback: () => void, ms: number) => given.setTimeout(callback, ms),
      clearTimeout: (handle: unknown) => given.clearTimeout(handle),
    },
  };
}

function optionalObject<T>(option: string, value: T | undefined): T | undefined {
  if (
    value !== undefined &&
    (value === null || typeof value !== 'object' || Array.isArray(value))
  ) {
    fail(option, 'an object', value);
  }
  return value;
}

/** Wraps errors of nested resolvers so that they name the option path. */
function named<T>(option: string, resolve: () => T): T {
  try {
    return resolve();
  } catch (error) {
    if (isWebhookTriggerError(error)) {
      throw new TypeError(`createWebhookTrigger: option "${option}" is invalid: ${error.message}`);
    }
    if (error instanceof TypeError || error instanceof RangeError) {
      const message = error.message.startsWith('createWebhookTrigger')
        ? error.message
        : `createWebhookTrigger: option "${option}" is invalid: ${error.message}`;
      throw new (error instanceof RangeError ? RangeError : TypeError)(message);
    }
    throw error;
  }
}

function withMethods<T>(option: string, value: T | undefined, methods: string[]): T | undefined {
  const target = value as Record<string, unknown> | undefined;
  if (
    value !== undefined &&
    (value === null || methods.some((m) => typeof target?.[m] !== 'function'))
  ) {
    fail(option, `an object with ${methods.map((m) => `${m}()`).join(', ')}`, value);
  }
  return value;
}

function resolveMethods(value: unknown): Set<string> {
  if (value === undefined) return new Set(['POST']);
  if (!Array.isArray(value) || value.length === 0)
    fail('methods', 'a non-empty list of methods', value);
  return new Set(
    value.map((method) => {
      const upper = typeof method === 'string' ? method.toUpperCase() : '';
      if (!METHOD_PATTERN.test(upper)) fail('methods', 'HTTP method names', method);
      return upper;
    }),
  );
}

function resolveFields(request: RequestFieldsConfig | undefined): ResolvedField[] {
  const fields: ResolvedField[] = [];
  for (const source of ['headers', 'query', 'body'] as const) {
    const list = request?.[source];
    if (list === undefined) continue;
    if (!Array.isArray(list)) fail(`request.${source}`, 'a list of fields', list);
    list.forEach((field, i) => {
      const option = `request.${source}[${i}]`;
      fields.push(named(option, () => resolveField(source, field, option)));
    });
  }
  return fields;
}

function resolveCors(cors: CorsConfig | undefined): ResolvedCors | undefined {
  if (cors === undefined || optionalObject('cors', cors) === undefined) return undefined;
  const origins = Array.isArray(cors.origin) ? cors.origin : [cors.origin];
  if (origins.length === 0 || origins.some((o) => typeof o !== 'string' || o === '')) {
    fail('cors.origin', "'*' or a list of origins", cors.origin);
  }
  const any = origins.includes('*');
  if (any && cors.credentials === true) {
    fail('cors.origin', 'explicit origins when cors.credentials is true', cors.origin);
  }
  const allowed = new Set(origins);
  const { allowHeaders, maxAgeSeconds = 600 } = cors;
  if (
    allowHeaders !== undefined &&
    (!Array.isArray(allowHeaders) || allowHeaders.some((h) => typeof h !== 'string'))
  ) {
    fail('cors.allowHeaders', 'a list of header names', allowHeaders);
  }
  if (!Number.isInteger(maxAgeSeconds)) fail('cors.maxAgeSeconds', 'an integer', maxAgeSeconds);
  if (maxAgeSeconds < 0) {
    throw new RangeError(
      `createWebhookTrigger: option "cors.maxAgeSeconds" must be 0 or more, received ${maxAgeSeconds}`,
    );
  }
  return {
    anyOrigin: any,
    allowOrigin: (origin) => (any ? '*' : allowed.has(origin) ? origin : undefined),
    allowHeaders: allowHeaders?.join(', '),
    maxAgeSeconds,
    credentials: cors.credentials === true,
  };
}

function resolveRetry(retry: RetryConfig | undefined): ResolvedTriggerConfig['retry'] {
  if (retry === undefined || optionalObject('retry', retry) === undefined) return undefined;
  const attempts = positive('retry.attempts', retry.attempts, 3, 100);
  const backoff = optionalObject('retry.backoff', retry.backoff) ?? {
    type: 'exponential',
    delayMs: 1000,
    maxDelayMs: 60_000,
    jitter: 0.2,
  };
  oneOf('retry.backoff.type', backoff.type, ['fixed', 'exponential'], 'fixed');
  for (const option of ['delayMs', 'maxDelayMs'] as const) {
    const value = backoff[option];
    if (value === undefined && option === 'maxDelayMs') continue;
    if (
      typeof value !== 'number' ||
      !Number.isInteger(value) ||
      value < 0 ||
      value > MAX_TIMER_MS
    ) {
      throw new RangeError(
        `createWebhookTrigger: option "retry.backoff.${option}" must be an integer from 0 to ${MAX_TIMER_MS}, received ${describe(value)}`,
      );
    }
  }
  const { jitter } = backoff;
  if (
    jitter !== undefined &&
    typeof jitter !== 'boolean' &&
    !(typeof jitter === 'number' && jitter >= 0 && jitter <= 1)
  ) {
    throw new RangeError(
      `createWebhookTrigger: option "retry.backoff.jitter" must be a boolean or a number from 0 to 1, received ${describe(jitter)}`,
    );
  }
  return { attempts, backoff };
}

const CONTEXT_ROOTS = /^(body|query|headers|params|vars)([.[]|$)/;

function resolveDedupe(
  dedupe: DedupeConfig | undefined,
  clock: () => number,
  verifiers: readonly Verifier[],
): ResolvedDedupe | undefined {
  if (dedupe === undefined || optionalObject('dedupe', dedupe) === undefined) return undefined;
  const { key } = dedupe;
  let read: (ctx: TriggerContext) => unknown;
  if (typeof key === 'function') read = key;
  else if (key === 'delivery') {
    // The sender's own delivery id, from the first verifier that names its header.
    const verifier = verifiers.find((v) => v.deliveryIdHeader || v.deliveryIdHeaders?.length);
    const names =
      verifier?.deliveryIdHeaders ??
      (verifier?.deliveryIdHeader ? [verifier.deliveryIdHeader] : []);
    if (names.length === 0) {
      fail('dedupe.key', "a verifier with a delivery id header when it is 'delivery'", key);
    }
    read = (ctx) => names.map((name) => ctx.headers[name]).find((value) => value !== undefined);
  } else if (typeof key === 'string' && key !== '') {
    const header = key.toLowerCase();
    read = CONTEXT_ROOTS.test(key) ? (ctx) => getPath(ctx, key) : (ctx) => ctx.headers[header];
  } else fail('dedupe.key', 'a header name, a context path or a function', key);
  const store = withMethods('dedupe.store', dedupe.store, [
    'claim',
    'release',
    'remember',
    'recall',
  ]);
  return {
    keyOf: (ctx) => {
      const value = read(ctx);
      return (typeof value === 'string' && value !== '') || typeof value === 'number'
        ? String(value)
        : undefined;
    },
    ttlSeconds: positive('dedupe.ttlSeconds', dedupe.ttlSeconds, 86_400),
    store: store ?? memoryDedupeStore({ clock }),
  };
}

function resolveIpCheck(
  ipAllow: string[] | undefined,
  trustProxy: TrustProxyConfig | undefined,
): IpCheck | undefined {
  if (ipAllow === undefined && trustProxy === undefined) return undefined;
  if (ipAllow !== undefined)
    return named('ipAllow', () =>
      createIpCheck({ ipAllow, ...(trustProxy === undefined ? {} : { trustProxy }) }),
    );
  // trustProxy alone: work out ctx.ip from the trusted proxies, refusing nobody.
  const resolve = named('trustProxy', () =>
    createIpCheck({ ipAllow: ['0.0.0.0/0', '::/0'], trustProxy: trustProxy as TrustProxyConfig }),
  );
  return (peer, header) => {
    try {
      return resolve(peer, header);
    } catch {
      return peer ?? '';
    }
  };
}

function resolveHooks(
  hooks: TriggerHooks | undefined,
  onDeadLetter: TriggerHooks['onDeadLetter'] | undefined,
): TriggerHooks {
  for (const name of ['onExecution', 'onDeadLetter'] as const) {
    if (hooks?.[name] !== undefined && typeof hooks[name] !== 'function') {
      fail(`hooks.${name}`, 'a function', hooks[name]);
    }
  }
  if (onDeadLetter !== undefined && typeof onDeadLetter !== 'function') {
    fail('onDeadLetter', 'a function', onDeadLetter);
  }
  const resolved = { ...(optionalObject('hooks', hooks) ?? {}) };
  const nested = resolved.onDeadLetter;
  if (onDeadLetter) {
    // Both are called; each one's failure (thrown or rejected) is its own and is ignored.
    resolved.onDeadLetter = nested
      ? (record, job) => {
          for (const hook of [nested, onDeadLetter]) {
            try {
              const out: unknown = hook(record, job);
              if (out instanceof Promise) out.catch(() => {});
            } catch {}
          }
        }
      : onDeadLetter;
  }
  return resolved;
}

/**
 * Validates a {@link WebhookTriggerConfig} and resolves it once.
 *
 * @throws TypeError or RangeError naming the option, what was expected and what was received.
 */
export function resolveTriggerConfig(config: WebhookTriggerConfig): ResolvedTriggerConfig {
  if (config === null || typeof config !== 'object') fail('config', 'an object', config);
  const { workflow, executor } = config;
  if (workflow === undefined && executor === undefined) fail('workflow', 'a function', workflow);
  if (workflow !== undefined && typeof workflow !== 'function')
    fail('workflow', 'a function', workflow);
  withMethods('executor', executor, ['execute']);
  const key = config.key ?? createTriggerKey();
  if (typeof key !== 'string' || !KEY_PATTERN.test(key)) {
    fail('key', '1–128 characters of A–Z, a–z, 0–9, ".", "_", "~" or "-"', key);
  }
  if (config.enabled !== undefined && typeof config.enabled !== 'boolean') {
    fail('enabled', 'a boolean', config.enabled);
  }
  const methods = resolveMethods(config.methods);
  const limits = optionalObject('limits', config.limits) ?? {};
  const cors = resolveCors(config.cors);
  const accept = config.accept;
  if (accept !== undefined && (!Array.isArray(accept) || accept.length === 0)) {
    fail('accept', 'a non-empty list of media ranges', accept);
  }
  const response = optionalObject('response', config.response) ?? { status: 200, body: 'ok' };
  const { clock, timers } = resolveClock(config.clock);
  const verifiers =
    config.verify === undefined
      ? []
      : Array.isArray(config.verify)
        ? config.verify
        : [config.verify];
  for (const [i, verifier] of verifiers.entries()) {
    withMethods(Array.isArray(config.verify) ? `verify[${i}]` : 'verify', verifier, ['verify']);
  }
  const mode = oneOf('mode', config.mode, ['async', 'sync'], 'async');
  const queue =
    withMethods('queue', config.queue, ['enqueue', 'process', 'close']) ??
    memoryQueue({ clock: timers });
  // Sync mode over a queue that runs jobs elsewhere needs the queue to carry the answer back.
  if (mode === 'sync' && queue.capabilities?.distributed && !queue.capabilities.waitForResult) {
    fail('queue', "a queue with waitForResult in 'sync' mode", queue);
  }
  return {
    key,
    mode,
    enabled: config.enabled ?? true,
    methods,
    allow: [...new Set([...methods, ...(cors ? ['OPTIONS'] : [])])].join(', '),
    verifiers,
    checkIp: resolveIpCheck(config.ipAllow, config.trustProxy),
    checkAuth:
      config.auth === undefined
        ? undefined
        : named('auth', () => createAuthCheck(config.auth as AuthConfig, key)),
    fields: resolveFields(optionalObject('request', config.request)),
    acknowledgement: named('response', () => compileResponse(response)),
    maxBodyBytes: positive('limits.maxBodyBytes', limits.maxBodyBytes, 1024 * 1024),
    timeoutMs: positive('limits.timeoutMs', limits.timeoutMs, 30_000, MAX_TIMER_MS),
    onTimeout: oneOf('onTimeout', config.onTimeout, ['reject', 'accept'], 'reject'),
    accepts:
      accept === undefined ? undefined : named('accept', () => createMediaTypeMatcher(accept)),
    cors,
    exposeErrors: config.exposeErrors === true,
    clock,
    timers,
    generateId: optionalFunction('generateId', config.generateId, randomId),
    executor: executor ?? workflowExecutor(workflow as Workflow),
    workflow: executor === undefined ? workflow : undefined,
    queue,
    // A queue shared by processes brings a store they share too: records are readable anywhere.
    executions:
      withMethods('executions', config.executions ?? queue.executions, ['put', 'get', 'list']) ??
      memoryExecutionStore(),
    retry: resolveRetry(config.retry),
    hooks: resolveHooks(config.hooks, config.onDeadLetter),
    dedupe: resolveDedupe(config.dedupe, clock, verifiers),
  };
}
