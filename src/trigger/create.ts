import {
  checkContentLength,
  decodeBody,
  extractFields,
  type MediaType,
  parseMediaType,
  parseUrlQuery,
  readBodyThen,
  readNodeBodyThen,
} from '../parse/index.js';
import type { SentResponse } from '../response/index.js';
import {
  fromError,
  isWebhookTriggerError,
  type NodeResponseLike,
  toResponse,
  WebhookTriggerError,
  writeNodeResponse,
} from '../response/index.js';
import type { CloseOptions, ExecutionStore, TriggerContext } from '../runner/index.js';
import { resolveCloseTimeout } from '../runner/index.js';
import { isoTime } from '../runner/iso-time.js';
import type { Verifier } from '../verify/types.js';
import type { ResolvedTriggerConfig, TriggerMode, WebhookTriggerConfig } from './config.js';
import { resolveTriggerConfig } from './config.js';
import type { Incoming, NodeRequestLike } from './incoming.js';
import { fromNodeRequest, fromRequest } from './incoming.js';
import { createRunner, isThenable } from './run.js';

/** What an adapter (or a test) can tell the trigger about a request, beyond the `Request` itself. */
export interface TriggerCallOptions {
  /** The client's IP address, as the adapter sees it. */
  clientIp?: string;
  /** Route parameters (e.g. from a router), copied to `ctx.params`. */
  params?: Record<string, string>;
  /** Keeps edge runtimes alive until a background run is done (`ctx.waitUntil` of the platform). */
  waitUntil?: (promise: Promise<unknown>) => void;
  /** Aborted when the client goes away: a sync run's `signal` is aborted too. */
  signal?: AbortSignal;
  /**
   * The exact body bytes, when a framework already read the stream (e.g. `req.rawBody` kept by a
   * body parser's `verify` callback). Used instead of reading the request.
   */
  rawBody?: Uint8Array;
  /**
   * The body as a framework already parsed it, when the bytes are gone. Used as `ctx.body`; with
   * signature verifiers configured the delivery fails closed with 500 `RAW_BODY_UNAVAILABLE`.
   */
  parsedBody?: unknown;
}

/**
 * A webhook trigger: a plain `(Request) => Promise<Response>` function, with members.
 */
export interface WebhookTrigger {
  /**
   * Handles one delivery.
   *
   * @param request - the incoming request.
   * @param options - what the adapter knows beyond the request (client IP, params, …).
   * @returns the response to send; never rejects.
   */
  (request: Request, options?: TriggerCallOptions): Promise<Response>;
  /** The trigger's key. */
  readonly key: string;
  /** `async` or `sync`. */
  readonly mode: TriggerMode;
  /** The execution records of this trigger's runs. */
  readonly executions: ExecutionStore;
  /** `true` when `verify` is configured: adapters must hand over the exact body bytes. */
  readonly needsRawBody: boolean;
  /**
   * Stops accepting deliveries (new ones get 503 `SHUTTING_DOWN`) and, with `drain` (the default),
   * waits for queued and running runs; past `timeoutMs` their `signal` is aborted, and deliveries
   * of an in-process queue that never ran are recorded as `dead` and passed to `onDeadLetter`.
   */
  close(options?: CloseOptions): Promise<void>;
  /**
   * Starts running queued deliveries in this process. The in-process queue starts by itself; with
   * a distributed queue, worker processes call this and web-only processes never do.
   */
  startWorker(options?: { concurrency?: number }): void;
  /**
   * The Node fast path: handles a `node:http` request and writes the response, building no Web
   * `Request` or `Response` (headers read on demand, body read from the stream with the size
   * limit, one `writeHead` and `end`). The client IP defaults to the socket's peer address, and a
   * client that disconnects aborts a sync run's `signal`.
   *
   * @param req - the Node request (or anything shaped like it).
   * @param res - the Node response.
   * @param options - call options, plus `path` when the mounted path differs from `req.url`.
   */
  handleNode(
    req: NodeRequestLike,
    res: NodeResponseLike,
    options?: TriggerCallOptions & { path?: string },
  ): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * What handleNode returns when it answered at once: settled, never rejected, so an adapter
 * need not attach a rejection handler to it.
 *
 * @internal
 */
export const DONE: Promise<void> = Promise.resolve();

/**
 * A trigger's `node:http` listener, as `toNodeListener` returns it: `handleNode` with no options,
 * without the promise it returns. A failure that is not the request's (the response cannot be
 * written) goes to Connect's `next`, or ends the response.
 *
 * @internal
 */
export const NODE_LISTENER: unique symbol = Symbol('hookflow.nodeListener');

/**
 * What a trigger keeps under {@link NODE_LISTENER}: its listener, and the `handleNode` it stands
 * for (a wrapper that replaced `handleNode` is called through it instead).
 *
 * @internal
 */
export interface NodeListenerOf {
  handleNode: WebhookTrigger['handleNode'];
  listen(req: NodeRequestLike, res: NodeResponseLike, next?: (error?: unknown) => void): void;
}

/**
 * Where a Node listener sends a failure that is not the request's (those are answered): a bug, for
 * Connect's `next`, or else the response is ended.
 *
 * @internal
 */
export function reportNodeFailure(
  res: NodeResponseLike,
  next: ((error?: unknown) => void) | undefined,
): (error: unknown) => void {
  return (error) => (next ? next(error) : res.end());
}

/** handleNode's options when none are given: recognised, so that nothing is copied from them. */
const NO_OPTIONS: TriggerCallOptions & { path?: string } = Object.freeze({});

/** A delivery past the checks made before reading its body. */
interface Delivery {
  incoming: Incoming;
  options: TriggerCallOptions;
  mediaType: MediaType;
  accepted: boolean;
  parsedOnly: boolean;
  clientIp: string | undefined;
}

/** A verifier's failure, whatever it threw, only ever says "not verified". */
function notVerified(error: unknown): WebhookTriggerError {
  return isWebhookTriggerError(error, 'SIGNATURE_INVALID')
    ? error
    : new WebhookTriggerError('SIGNATURE_INVALID', undefined, { cause: error });
}

function corsHeaders(config: ResolvedTriggerConfig, origin: string | null | undefined) {
  if (!config.cors) return undefined;
  const allowed = origin ? config.cors.allowOrigin(origin) : undefined;
  // With a list of origins the answer depends on Origin, allowed or not: caches must know.
  if (allowed === undefined) return config.cors.anyOrigin ? undefined : { vary: 'Origin' };
  const headers: Record<string, string> = {
    'access-control-allow-origin': allowed,
    vary: 'Origin',
  };
  if (config.cors.credentials) headers['access-control-allow-credentials'] = 'true';
  return headers;
}

/** Adds CORS headers to a response, merging `Vary` with what the response already varies on. */
function withCors(sent: SentResponse, cors: Record<string, string> | undefined): SentResponse {
  if (!cors) return sent;
  const vary = sent.headers.vary;
  const headers = { ...sent.headers, ...cors };
  if (vary && !/(^|,)\s*origin\s*(,|$)/i.test(vary)) headers.vary = `${vary}, Origin`;
  else if (vary) headers.vary = vary;
  return { ...sent, headers };
}

function preflight(config: ResolvedTriggerConfig, incoming: Incoming): SentResponse {
  const headers: Record<string, string> = {
    'access-control-allow-methods': config.allow,
    'access-control-max-age': String(config.cors?.maxAgeSeconds ?? 600),
    vary: 'Origin, Access-Control-Request-Headers',
  };
  const requested = config.cors?.allowHeaders ?? incoming.header('access-control-request-headers');
  if (requested) headers['access-control-allow-headers'] = requested;
  return { status: 204, headers };
}

/**
 * Creates a webhook trigger: a `(Request) => Promise<Response>` handler that authenticates the
 * delivery, reads and decodes its body, extracts the configured variables, and runs the workflow —
 * in the background (`async`, the default) or before answering (`sync`).
 *
 * @param config - the trigger's configuration; only `workflow` is required.
 * @returns the trigger handler, with `key`, `mode`, `executions` and `close()`.
 * @throws TypeError or RangeError, naming the option, when the config is invalid.
 * @example
 * ```ts
 * const trigger = createWebhookTrigger({
 *   mode: 'sync',
 *   workflow: (ctx) => ({ received: ctx.body }),
 * });
 * const response = await trigger(new Request('http://localhost/hook', { method: 'POST', body: '{}' }));
 * ```
 */
export function createWebhookTrigger(config: WebhookTriggerConfig): WebhookTrigger {
  const resolved = resolveTriggerConfig(config);
  const runner = createRunner(resolved);
  let closing = false;
  function startWorker(options: { concurrency?: number } = {}) {
    resolved.queue.process(runner.processJob, { ...options, onLost: runner.lose });
  }
  if (!resolved.queue.capabilities?.distributed) {
    try {
      startWorker();
    } catch (error) {
      throw new TypeError(
        `createWebhookTrigger: option "queue" is invalid: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  function run(
    context: TriggerContext,
    options: TriggerCallOptions,
  ): SentResponse | Promise<SentResponse> {
    return resolved.mode === 'sync'
      ? runner.runSync(context, options)
      : runner.accept(context, options);
  }

  /**
   * Runs a delivery once per dedupe key: a repeat gets the first response replayed; a repeat that
   * arrives while the first is still being handled waits for it (up to `limits.timeoutMs`).
   */
  async function runOnce(id: string, context: TriggerContext, options: TriggerCallOptions) {
    const { store, ttlSeconds } = resolved.dedupe as NonNullable<typeof resolved.dedupe>;
    const key = `${resolved.key}:${id}`;
    const started = performance.now();
    for (let pause = 5; !(await store.claim(key, ttlSeconds)); pause = Math.min(pause * 2, 100)) {
      const first = await store.recall(key);
      if (first) return { ...first, headers: { ...first.headers, 'idempotent-replayed': 'true' } };
      if (performance.now() - started > resolved.timeoutMs) {
        throw new WebhookTriggerError('DELIVERY_IN_PROGRESS', undefined, {
          headers: { 'retry-after': '1' },
        });
      }
      await sleep(pause);
    }
    let sent: SentResponse;
    try {
      sent = await run(context, options);
    } catch (error) {
      // Not accepted (queue full, shutting down…): the sender's retry must be able to run. The
      // refusal is what the caller must see, even if the store cannot release.
      await Promise.resolve()
        .then(() => store.release(key))
        .catch(() => {});
      throw error;
    }
    // A server error, a timeout or "too many requests" invites a retry that should run again, not
    // get the same answer replayed for the rest of the TTL.
    try {
      if (sent.status >= 500 || sent.status === 408 || sent.status === 429)
        await store.release(key);
      else await store.remember(key, sent);
    } catch {
      // The delivery is handled; a store that cannot keep the answer must not turn it into an
      // error, nor leave the key claimed (every retry would get 409 until the TTL ends).
      await Promise.resolve()
        .then(() => store.release(key))
        .catch(() => {});
    }
    return sent;
  }

  /**
   * Every verifier must pass, on the exact bytes received (RFC-style "verify before parse"); done
   * at once when every verifier answers synchronously (as Node's HMAC does).
   */
  function verifySignatures(incoming: Incoming, rawBody: Uint8Array): void | Promise<void> {
    const request = {
      method: incoming.method,
      url: incoming.url,
      header: incoming.header,
      rawBody,
      now: resolved.clock(),
    };
    const { verifiers } = resolved;
    const from = (first: number): void | Promise<void> => {
      for (let index = first; index < verifiers.length; index++) {
        let verified: unknown;
        try {
          verified = (verifiers[index] as Verifier).verify(request);
        } catch (error) {
          throw notVerified(error);
        }
        if (isThenable(verified)) {
          return Promise.resolve(verified).then(
            () => from(index + 1),
            (error: unknown) => {
              throw notVerified(error);
            },
          );
        }
      }
    };
    return from(0);
  }

  /**
   * The pipeline up to reading the body, top to bottom: the delivery to read the body of, or the
   * answer to a CORS preflight. Every failure is a thrown {@link WebhookTriggerError}, as in the rest
   * of the pipeline, which is synchronous but for what must wait: reading the body, an async
   * verifier, store or queue.
   */
  function admit(incoming: Incoming, options: TriggerCallOptions): Delivery | SentResponse {
    if (!resolved.enabled) throw new WebhookTriggerError('TRIGGER_DISABLED');
    if (incoming.method === 'OPTIONS' && resolved.cors) return preflight(resolved, incoming);
    if (!resolved.methods.has(incoming.method)) {
      throw new WebhookTriggerError('METHOD_NOT_ALLOWED', undefined, {
        headers: { allow: resolved.allow },
      });
    }
    const clientIp = resolved.checkIp
      ? resolved.checkIp(options.clientIp, incoming.header)
      : options.clientIp;
    if (closing) {
      throw new WebhookTriggerError('SHUTTING_DOWN', undefined, {
        headers: { 'retry-after': '5' },
      });
    }
    checkContentLength(incoming.header('content-length'), resolved.maxBodyBytes);
    resolved.checkAuth?.(incoming.header);
    const contentType = incoming.header('content-type');
    const mediaType = parseMediaType(contentType);
    const accepted = !resolved.accepts || resolved.accepts(mediaType.essence);
    // A declared type is refused before reading; an undeclared one only if a body comes.
    if (!accepted && contentType) throw new WebhookTriggerError('UNSUPPORTED_MEDIA_TYPE');
    const parsedOnly = options.parsedBody !== undefined && options.rawBody === undefined;
    // Never re-serialise a parsed body to check a signature: the bytes would not be the signed ones.
    if (parsedOnly && resolved.verifiers.length > 0)
      throw new WebhookTriggerError('RAW_BODY_UNAVAILABLE');
    return { incoming, options, mediaType, accepted, parsedOnly, clientIp };
  }

  /** The pipeline once the body's bytes are in: size, signatures, decoding, variables, the run. */
  function received(delivery: Delivery, rawBody: Uint8Array): SentResponse | Promise<SentResponse> {
    if (rawBody.byteLength > resolved.maxBodyBytes)
      checkContentLength(String(rawBody.byteLength), resolved.maxBodyBytes);
    if (resolved.verifiers.length === 0) return start(delivery, rawBody);
    const verified = verifySignatures(delivery.incoming, rawBody);
    return verified instanceof Promise
      ? verified.then(() => start(delivery, rawBody))
      : start(delivery, rawBody);
  }

  /** Decodes the verified body, extracts the variables and hands the delivery to its run. */
  function start(delivery: Delivery, rawBody: Uint8Array): SentResponse | Promise<SentResponse> {
    const { incoming, options, clientIp } = delivery;
    if (!delivery.accepted && rawBody.byteLength > 0)
      throw new WebhookTriggerError('UNSUPPORTED_MEDIA_TYPE');
    const body = delivery.parsedOnly ? options.parsedBody : decodeBody(rawBody, delivery.mediaType);
    const headers = incoming.headers();
    const query = parseUrlQuery(incoming.url);
    const { vars, missing } = extractFields(resolved.fields, { headers, query, body });
    if (missing.length > 0) {
      throw new WebhookTriggerError(
        'MISSING_FIELDS',
        `Missing required fields: ${missing.join(', ')}.`,
      );
    }
    const context: TriggerContext = {
      key: resolved.key,
      executionId: resolved.generateId(),
      receivedAt: isoTime(resolved.clock()),
      method: incoming.method,
      url: incoming.url,
      params: options.params ?? {},
      headers,
      query,
      body,
      rawBody,
      vars,
    };
    if (clientIp) context.ip = clientIp;
    const id = resolved.dedupe?.keyOf(context);
    return id === undefined ? run(context, options) : runOnce(id, context, options);
  }

  /**
   * Runs the pipeline, turns any failure into the error response, and hands the response to
   * `deliver`, in the same callback: at once when nothing in the pipeline had to wait, else in the
   * callback that got the body (or whatever else was awaited). Throws (or rejects) only with what
   * `deliver` throws. With `report`, a body read from a Node stream makes no promise: the answer is
   * then `undefined`, and what `deliver` throws later goes to `report`.
   */
  function answer<T>(
    incoming: Incoming,
    options: TriggerCallOptions,
    deliver: (sent: SentResponse) => T,
  ): T | Promise<T>;
  function answer<T>(
    incoming: Incoming,
    options: TriggerCallOptions,
    deliver: (sent: SentResponse) => T,
    report?: (error: unknown) => void,
  ): T | Promise<T> | undefined;
  function answer<T>(
    incoming: Incoming,
    options: TriggerCallOptions,
    deliver: (sent: SentResponse) => T,
    report?: (error: unknown) => void,
  ): T | Promise<T> | undefined {
    let admitted: Delivery | SentResponse;
    try {
      admitted = admit(incoming, options);
    } catch (error) {
      return deliver(failed(incoming, error));
    }
    if (!('incoming' in admitted)) return deliver(finished(incoming, admitted));
    const delivery = admitted;
    if (options.rawBody !== undefined) return proceed(delivery, options.rawBody, deliver);
    if (delivery.parsedOnly) return proceed(delivery, new Uint8Array(0), deliver);
    try {
      const source = incoming.body();
      const next = (rawBody: Uint8Array) => proceed(delivery, rawBody, deliver);
      const fail = (error: unknown) => deliver(failed(incoming, error));
      // With `report`, a Node stream is read without a promise: what goes wrong after is reported.
      if (report && readNodeBodyThen(source, resolved.maxBodyBytes, next, fail, report)) return;
      return readBodyThen(source, resolved.maxBodyBytes, next, fail);
    } catch (error) {
      return deliver(failed(incoming, error));
    }
  }

  /** The rest of the pipeline, once the body's bytes are in; as {@link answer}. */
  function proceed<T>(
    delivery: Delivery,
    rawBody: Uint8Array,
    deliver: (sent: SentResponse) => T,
  ): T | Promise<T> {
    const { incoming } = delivery;
    let sent: SentResponse | Promise<SentResponse>;
    try {
      sent = received(delivery, rawBody);
    } catch (error) {
      return deliver(failed(incoming, error));
    }
    return sent instanceof Promise
      ? sent.then(
          (ready) => deliver(finished(incoming, ready)),
          (error: unknown) => deliver(failed(incoming, error)),
        )
      : deliver(finished(incoming, sent));
  }

  /** The response as sent: with the CORS headers when CORS is on. */
  function finished(incoming: Incoming, sent: SentResponse): SentResponse {
    return resolved.cors ? withCors(sent, corsHeaders(resolved, incoming.header('origin'))) : sent;
  }

  /** The response to a failure anywhere in the pipeline. */
  function failed(incoming: Incoming, error: unknown): SentResponse {
    return finished(incoming, fromError(error, 'INTERNAL_ERROR'));
  }

  async function handleWebhook(
    request: Request,
    options: TriggerCallOptions = {},
  ): Promise<Response> {
    return answer(fromRequest(request), options, toResponse);
  }

  /**
   * {@link WebhookTrigger.handleNode}, and with `report` the listener of {@link NODE_LISTENER}:
   * then no promise is made for a body read from the stream, and what goes wrong after goes to
   * `report`.
   */
  function serveNode(
    req: NodeRequestLike,
    res: NodeResponseLike,
    options: TriggerCallOptions & { path?: string },
    report?: (error: unknown) => void,
  ): void | Promise<void> {
    let call: TriggerCallOptions = options;
    const clientIp = options.clientIp ?? req.socket?.remoteAddress;
    if (resolved.mode === 'sync') {
      // A client that goes away aborts a sync run's signal (async runs outlive the request anyway).
      const gone = new AbortController();
      res.on('close', () => {
        if (!res.writableEnded) {
          gone.abort(new WebhookTriggerError('SHUTTING_DOWN', 'The client went away.'));
        }
      });
      const { path: _path, ...given } = options;
      call = {
        ...given,
        ...(clientIp === undefined ? {} : { clientIp }),
        signal: options.signal ? AbortSignal.any([options.signal, gone.signal]) : gone.signal,
      };
    } else if (options === NO_OPTIONS) {
      // The usual call, from toNodeListener: no options to carry over.
      if (clientIp !== undefined) call = { clientIp };
    } else if (clientIp !== options.clientIp || options.path !== undefined) {
      const { path: _path, ...given } = options;
      call = clientIp === undefined ? given : { ...given, clientIp };
    }
    return answer(
      fromNodeRequest(req, options.path),
      call,
      (sent) => writeNodeResponse(res, sent),
      report,
    );
  }

  function handleNode(
    req: NodeRequestLike,
    res: NodeResponseLike,
    options: TriggerCallOptions & { path?: string } = NO_OPTIONS,
  ): Promise<void> {
    let written: void | Promise<void>;
    try {
      written = serveNode(req, res, options);
    } catch (error) {
      return Promise.reject(error);
    }
    return written instanceof Promise ? written : DONE;
  }

  function listenNode(
    req: NodeRequestLike,
    res: NodeResponseLike,
    next?: (error?: unknown) => void,
  ) {
    const report = reportNodeFailure(res, next);
    let written: void | Promise<void>;
    try {
      written = serveNode(req, res, NO_OPTIONS, report);
    } catch (error) {
      report(error);
      return;
    }
    if (written instanceof Promise) written.then(undefined, report);
  }

  async function close(options: CloseOptions = {}) {
    resolveCloseTimeout(options);
    closing = true;
    await Promise.all([resolved.queue.close(options), runner.close(options)]);
    // A distributed queue keeps waiting deliveries for other workers; an in-process one loses them.
    if (!resolved.queue.capabilities?.distributed) await runner.abandonWaiting();
  }

  return Object.assign(handleWebhook, {
    key: resolved.key,
    mode: resolved.mode,
    executions: resolved.executions,
    needsRawBody: resolved.verifiers.length > 0,
    close,
    startWorker,
    handleNode,
    [NODE_LISTENER]: { handleNode, listen: listenNode } satisfies NodeListenerOf,
  });
}
