import type { NodeResponseLike } from '../response/index.js';
import { DONE, NODE_LISTENER, type NodeListenerOf, reportNodeFailure } from '../trigger/create.js';
import type { NodeRequestLike, WebhookRouter, WebhookTrigger } from '../trigger/index.js';

/** A `node:http` request listener that also works as Connect/Express middleware. */
export type NodeListener = (
  req: NodeRequestLike,
  res: NodeResponseLike,
  next?: (error?: unknown) => void,
) => void;

/**
 * Turns a trigger or a router into a `node:http` listener, on the Node fast path (no Web
 * `Request`/`Response` per delivery). As middleware (`next` given), a router passes requests whose
 * path does not match its route on to `next`.
 *
 * @param handler - a trigger from `createWebhookTrigger` or a router from `createWebhookRouter`.
 * @returns the listener.
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { toNodeListener } from 'hookflow/node';
 * createServer(toNodeListener(trigger)).listen(3000, '127.0.0.1');
 * ```
 */
export function toNodeListener(handler: WebhookTrigger | WebhookRouter): NodeListener {
  if (typeof handler !== 'function' || typeof handler.handleNode !== 'function') {
    throw new TypeError('toNodeListener expects a trigger or a router');
  }
  const router = 'matches' in handler ? handler : undefined;
  // A trigger's own listener (handleNode without the promise it returns), while its handleNode is
  // still the one it stands for.
  const own = (handler as { [NODE_LISTENER]?: NodeListenerOf })[NODE_LISTENER];
  if (own && own.handleNode === handler.handleNode) return own.listen;
  return function nodeWebhookListener(req, res, next) {
    if (next && router && !router.matches((req.url ?? '/').split('?')[0] ?? '/')) {
      next();
      return;
    }
    // handleNode never rejects for request errors; anything else is a bug to report, not to hide.
    const written = handler.handleNode(req, res);
    if (written !== DONE) written.catch(reportNodeFailure(res, next));
  };
}
