import type { NodeResponseLike } from '../response/index.js';
import type {
  NodeRequestLike,
  TriggerCallOptions,
  WebhookRouter,
  WebhookTrigger,
} from '../trigger/index.js';

/** Whether a Node request's body was read already. */
export interface ReadableState {
  /** `true` once a body parser consumed the stream. */
  readableEnded?: boolean;
}

/** What `@koa/bodyparser` leaves on `ctx.request`. */
export interface KoaRequestBodies {
  /** The parsed body. */
  body?: unknown;
  /** The body text the parser read (kept by `@koa/bodyparser`). */
  rawBody?: unknown;
}

/** The parts of a Koa context the middleware reads (so `koa` stays a type-only peer). */
export interface KoaContextLike {
  /** Node's request. */
  req: NodeRequestLike & ReadableState;
  /** Node's response, written by the trigger. */
  res: NodeResponseLike;
  /** Set to `false`: the trigger writes the Node response itself. */
  respond?: boolean | undefined;
  /** The URL before a mount stripped its prefix. */
  originalUrl: string;
  /** The path, relative to a mount. */
  path: string;
  /** The client address as Koa sees it (honours Koa's `proxy` setting). */
  ip: string;
  /** `body` and `rawBody` as `@koa/bodyparser` leaves them. */
  request: KoaRequestBodies;
}

/** A Koa middleware. */
export type KoaMiddleware = (ctx: KoaContextLike, next: () => Promise<unknown>) => Promise<void>;

/**
 * Turns a trigger or a router into Koa middleware, on the Node fast path. Mount it before a body
 * parser, or after `@koa/bodyparser` (which keeps `ctx.request.rawBody`, re-encoded as UTF-8): with
 * only a parsed body, signed deliveries fail closed with 500 `RAW_BODY_UNAVAILABLE`. A router passes
 * requests whose path does not match its route on to `next`.
 *
 * @param handler - a trigger from `createWebhookTrigger` or a router from `createWebhookRouter`.
 * @returns the middleware.
 * @throws TypeError when `handler` is neither a trigger nor a router.
 * @example
 * ```ts
 * import { koaHandler } from 'hookflow/koa';
 * app.use(bodyParser()).use(koaHandler(router));
 * ```
 */
export function koaHandler(handler: WebhookTrigger | WebhookRouter): KoaMiddleware {
  if (typeof handler !== 'function' || typeof handler.handleNode !== 'function') {
    throw new TypeError('koaHandler expects a trigger or a router');
  }
  const router = 'matches' in handler ? handler : undefined;
  return async function koaWebhookMiddleware(ctx, next) {
    if (router && !router.matches(ctx.path)) {
      await next();
      return;
    }
    const options: TriggerCallOptions & { path?: string } = { path: ctx.originalUrl };
    if (ctx.ip) options.clientIp = ctx.ip;
    const { body, rawBody } = ctx.request;
    if (typeof rawBody === 'string') options.rawBody = new TextEncoder().encode(rawBody);
    else if (rawBody instanceof Uint8Array) options.rawBody = rawBody;
    // @koa/bodyparser sets `{}` for types it skips, leaving the stream unread: read it then.
    else if (ctx.req.readableEnded && body !== undefined) options.parsedBody = body;
    ctx.respond = false;
    await handler.handleNode(ctx.req, ctx.res, options);
  };
}
