import type { Context } from 'hono';
import type { TriggerCallOptions, WebhookRouter, WebhookTrigger } from '../trigger/index.js';

/** A Hono route handler. */
export type HonoWebhookHandler = (c: Context) => Promise<Response>;

/** The platform's `waitUntil`, if any: Hono's `executionCtx` getter throws outside Workers. */
function readWaitUntil(c: Context): TriggerCallOptions['waitUntil'] {
  try {
    const context = c.executionCtx;
    return context.waitUntil.bind(context);
  } catch {
    return undefined;
  }
}

/**
 * Turns a trigger or a router into a Hono handler. Route parameters reach `ctx.params`; on
 * `@hono/node-server` the socket's peer is `ctx.ip`, and on Workers background runs are kept alive
 * with `executionCtx.waitUntil`.
 *
 * @param handler - a trigger from `createWebhookTrigger` or a router from `createWebhookRouter`.
 * @returns the handler, for `app.post(path, …)` or `app.all(path, …)`.
 * @throws TypeError when `handler` is neither a trigger nor a router.
 * @example
 * ```ts
 * import { Hono } from 'hono';
 * import { honoHandler } from 'hookflow/hono';
 * const app = new Hono().all('/hooks/orders', honoHandler(trigger));
 * ```
 */
export function honoHandler(handler: WebhookTrigger | WebhookRouter): HonoWebhookHandler {
  if (typeof handler !== 'function' || typeof handler.handleNode !== 'function') {
    throw new TypeError('honoHandler expects a trigger or a router');
  }
  return function honoWebhookHandler(c) {
    // `@hono/node-server` puts the Node request in env (under `server` when env is nested).
    const env = c.env as { incoming?: NodeIncoming; server?: { incoming?: NodeIncoming } } | null;
    const clientIp = (env?.incoming ?? env?.server?.incoming)?.socket?.remoteAddress;
    const waitUntil = readWaitUntil(c);
    return handler(c.req.raw, {
      params: c.req.param(),
      signal: c.req.raw.signal,
      ...(clientIp === undefined ? {} : { clientIp }),
      ...(waitUntil === undefined ? {} : { waitUntil }),
    });
  };
}

interface NodeIncoming {
  socket?: { remoteAddress?: string };
}
