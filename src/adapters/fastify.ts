import type { FastifyPluginCallback } from 'fastify';
import type { WebhookRouter, WebhookTrigger } from '../trigger/index.js';

/** Options of {@link fastifyWebhook}: one trigger at a path, or a router at its own route. */
export type FastifyWebhookOptions =
  | {
      /** The trigger to serve. */
      trigger: WebhookTrigger;
      /**
       * The Fastify route to serve it at; its parameters reach `ctx.params`.
       * @defaultValue `'/'` (under the plugin's `prefix`)
       */
      path?: string;
      /** Not with `trigger`. */
      router?: never;
    }
  | {
      /**
       * The router to serve. Its route is a full path: do not register it with a `prefix`.
       * Every path under the route's literal start (`/api/webhook:trigger/*` for the default
       * route) is handed to the router, which answers 404 `TRIGGER_NOT_FOUND` for the rest.
       */
      router: WebhookRouter;
      /** Not with `router`. */
      trigger?: never;
    };

/**
 * The Fastify route that covers a path-to-regexp route: its literal start, up to the last `/`
 * before the first parameter, then a wildcard (`/api/webhook\\:trigger/:key` → the literal
 * colon doubled, as Fastify writes it: `/api/webhook::trigger/*`). The router does the matching.
 */
function toFastifyRoute(route: string): string {
  let literal = '';
  for (let i = 0; i < route.length; i++) {
    const char = route[i] as string;
    if (char === '\\') literal += route[++i] ?? '';
    else if ('{}()[]+?!:*'.includes(char)) break;
    else literal += char;
  }
  return `${literal.slice(0, literal.lastIndexOf('/') + 1).replaceAll(':', '::')}*`;
}

/**
 * A Fastify plugin that serves a trigger or a router on the Node fast path. It is encapsulated:
 * the body stays unread for the trigger (which reads it with its own size limit and verifies the
 * exact bytes), while the app's other routes keep their own content-type parsers.
 *
 * @param app - the (encapsulated) Fastify instance, given by `register`.
 * @param options - `{ trigger, path }` or `{ router }`.
 * @param done - called once the route is registered.
 * @throws TypeError, through `register`, when neither a trigger nor a router is given.
 * @example
 * ```ts
 * import Fastify from 'fastify';
 * import { fastifyWebhook } from 'hookflow/fastify';
 * const app = Fastify();
 * await app.register(fastifyWebhook, { trigger, path: '/hooks/orders' });
 * ```
 */
export const fastifyWebhook: FastifyPluginCallback<FastifyWebhookOptions> = (
  app,
  options,
  done,
) => {
  const target = options.router ?? options.trigger;
  if (typeof target !== 'function' || typeof target.handleNode !== 'function') {
    done(new TypeError('fastifyWebhook expects a "trigger" or a "router" option'));
    return;
  }
  // Leave every body unread, JSON included: the trigger must see the bytes that were signed.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, parsed) => parsed(null));
  const url = options.router ? toFastifyRoute(options.router.route) : (options.path ?? '/');
  // Every method: the trigger answers 405 with its own Allow header.
  app.all(url, async function fastifyWebhookHandler(request, reply) {
    reply.hijack();
    const params = options.router ? {} : { params: request.params as Record<string, string> };
    await target.handleNode(request.raw, reply.raw, { clientIp: request.ip, ...params });
  });
  done();
};
