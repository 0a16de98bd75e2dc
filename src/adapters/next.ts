import type { NextApiRequest, NextApiResponse } from 'next';
import type { TriggerCallOptions, WebhookRouter, WebhookTrigger } from '../trigger/index.js';

/** The route parameters of an App Router route: one string, several (catch-all) or none. */
export type NextRouteParams = Record<string, string | string[] | undefined>;

/** The second argument Next.js passes to a route handler. */
export interface NextRouteContext {
  /** The dynamic route parameters: a promise since Next.js 15, a plain object before. */
  params: Promise<NextRouteParams> | NextRouteParams;
}

/** An App Router route handler, for `export const POST = …`. */
export type NextRouteHandler = (request: Request, context?: NextRouteContext) => Promise<Response>;

/** A Pages Router API route handler, for `export default …`. */
export type NextPagesHandler = (req: NextApiRequest, res: NextApiResponse) => Promise<void>;

/** What a platform running Next.js provides under `Symbol.for('@next/request-context')`. */
interface NextRequestContext {
  get(): { waitUntil?: (promise: Promise<unknown>) => void } | undefined;
}

const REQUEST_CONTEXT = Symbol.for('@next/request-context');

/**
 * The platform's `waitUntil`, read where Next.js's own `after()` reads it (documented for platforms
 * at https://nextjs.org/docs/app/api-reference/functions/after), so that `next` is never imported.
 * `next start` provides none: its long-lived process runs background work anyway.
 */
function readWaitUntil(): TriggerCallOptions['waitUntil'] {
  const context = (globalThis as { [REQUEST_CONTEXT]?: NextRequestContext })[REQUEST_CONTEXT];
  const waitUntil = context?.get()?.waitUntil;
  return typeof waitUntil === 'function' ? waitUntil : undefined;
}

/** The string parameters; catch-all segments (arrays) and absent optional ones are left out. */
function stringParams(params: NextRouteParams | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(params ?? {})) {
    if (typeof value === 'string') out[name] = value;
  }
  return out;
}

function assertHandler(
  handler: unknown,
  name: string,
): asserts handler is WebhookTrigger | WebhookRouter {
  if (
    typeof handler !== 'function' ||
    typeof (handler as Partial<WebhookTrigger>).handleNode !== 'function'
  ) {
    throw new TypeError(`${name} expects a trigger or a router`);
  }
}

/**
 * Turns a trigger or a router into an App Router route handler. The route's string parameters
 * reach `ctx.params` (catch-all segments are in `ctx.url`), and a client that disconnects aborts a
 * sync run's `run.signal`. Next.js gives a route handler no peer address (its `x-forwarded-for`
 * header may come from the client), so `ctx.ip` is only set through `trustProxy`. On platforms that
 * provide a `waitUntil` to Next.js, async runs are kept alive with it. A 413 is sent with
 * `Connection: close`, so the unread rest of the body cannot hold up the connection.
 *
 * @param handler - a trigger from `createWebhookTrigger` or a router from `createWebhookRouter`
 *   (whose route must match the route handler's full path).
 * @returns the route handler, to export under each method the trigger accepts.
 * @throws TypeError when `handler` is neither a trigger nor a router.
 * @example
 * ```ts
 * // app/hooks/[key]/route.ts
 * import { toRouteHandler } from 'hookflow/next';
 * import { router } from '@/lib/hooks'; // createWebhookRouter({ route: '/hooks/:key' })
 *
 * export const runtime = 'nodejs';
 * export const POST = toRouteHandler(router);
 * ```
 */
export function toRouteHandler(handler: WebhookTrigger | WebhookRouter): NextRouteHandler {
  assertHandler(handler, 'toRouteHandler');
  return async function nextRouteHandler(request, context) {
    const params = stringParams(await context?.params);
    const waitUntil = readWaitUntil();
    const response = await handler(request, {
      params,
      signal: request.signal,
      ...(waitUntil === undefined ? {} : { waitUntil }),
    });
    // Past the size limit the trigger cancels the body stream, and Next.js leaves the unread rest on
    // the kept-alive connection, where the client's next request would wait behind it: close it.
    if (response.status === 413) response.headers.set('connection', 'close');
    return response;
  };
}

/**
 * Turns a trigger or a router into a Pages Router API route, on the Node fast path. The route must
 * turn off Next.js's body parser (`export const config = { api: { bodyParser: false } }`) so the
 * trigger reads the body itself, with its own size limit, and verifies the exact bytes. When the
 * parser ran anyway, the parsed `req.body` becomes `ctx.body`, and signed deliveries fail closed
 * with 500 `RAW_BODY_UNAVAILABLE`. `ctx.ip` is the socket's peer address.
 *
 * @param handler - a trigger from `createWebhookTrigger` or a router from `createWebhookRouter`
 *   (whose route must match the API route's path, such as `/api/hooks/:key`).
 * @returns the API route handler, to export as `default`.
 * @throws TypeError when `handler` is neither a trigger nor a router.
 * @example
 * ```ts
 * // pages/api/hooks/github.ts
 * import { toPagesHandler } from 'hookflow/next';
 * import { githubTrigger } from '@/lib/hooks';
 *
 * export const config = { api: { bodyParser: false } };
 * export default toPagesHandler(githubTrigger);
 * ```
 */
export function toPagesHandler(handler: WebhookTrigger | WebhookRouter): NextPagesHandler {
  assertHandler(handler, 'toPagesHandler');
  return function nextPagesHandler(req, res) {
    const options: TriggerCallOptions = {};
    const body: unknown = req.body;
    // As in expressHandler: bytes are used as they are, a parsed body only once the stream is read.
    if (body instanceof Uint8Array) options.rawBody = body;
    else if (req.readableEnded && body !== undefined) options.parsedBody = body;
    return handler.handleNode(req, res, options);
  };
}
