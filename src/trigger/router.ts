import { match } from 'path-to-regexp';
import type { NodeResponseLike } from '../response/index.js';
import {
  fromError,
  toResponse,
  WebhookTriggerError,
  writeNodeResponse,
} from '../response/index.js';
import type { CloseOptions } from '../runner/index.js';
import type { TriggerCallOptions, WebhookTrigger } from './create.js';
import type { NodeRequestLike } from './incoming.js';

/**
 * The default route of a router: the key after `webhook:trigger/`, the colon being literal, as in
 * low-code platforms' webhook URLs (`/api/webhook:trigger/1hfmkioou0d`).
 *
 * @example
 * ```ts
 * // Mount the router under a prefix of your own and keep the default shape after it.
 * const router = createWebhookRouter({ route: `/hooks${DEFAULT_ROUTE.slice('/api'.length)}` });
 * ```
 */
export const DEFAULT_ROUTE = '/api/webhook\\:trigger/:key';

/** Options of {@link createWebhookRouter}. */
export interface WebhookRouterConfig {
  /**
   * A path-to-regexp route with a `:key` parameter; other parameters (`/hooks/:tenant/:key`) reach
   * `ctx.params`. Write a literal colon as `\\:`.
   * @defaultValue `'/api/webhook\\:trigger/:key'`
   */
  route?: string;
}

/** Many triggers under one route, found by key: a `(Request) => Promise<Response>` with members. */
export interface WebhookRouter {
  /**
   * Handles one delivery: finds its trigger by the `:key` of the route, or answers 404
   * `TRIGGER_NOT_FOUND`.
   */
  (request: Request, options?: TriggerCallOptions): Promise<Response>;
  /** The route, as given. */
  readonly route: string;
  /**
   * Adds a trigger under its key.
   *
   * @throws TypeError when a trigger with the same key is already there.
   */
  add(trigger: WebhookTrigger): WebhookRouter;
  /** Removes the trigger with this key; `true` when there was one. */
  remove(key: string): boolean;
  /** The trigger with this key, if any. */
  get(key: string): WebhookTrigger | undefined;
  /** Whether a path (without query) matches the route, whatever the key. */
  matches(path: string): boolean;
  /**
   * The Node fast path, as `trigger.handleNode`. The route is matched against `req.url` (relative
   * to where a framework mounted the router); `path` (the full original path) goes to the trigger
   * for `ctx.url`.
   */
  handleNode(
    req: NodeRequestLike,
    res: NodeResponseLike,
    options?: TriggerCallOptions & { path?: string },
  ): Promise<void>;
  /** Closes every trigger (see `trigger.close`). */
  close(options?: CloseOptions): Promise<void>;
}

/** The caller's params, then the route's, without `key` (which names the trigger). */
function mergeParams(
  caller: Record<string, string> | undefined,
  route: Record<string, string>,
): Record<string, string> {
  const merged = { ...caller, ...route };
  delete merged.key;
  return merged;
}

function pathOf(url: string): string {
  const start = url.startsWith('/') ? 0 : url.indexOf('/', url.indexOf('//') + 2);
  const path = start === -1 ? '/' : url.slice(start);
  const end = path.search(/[?#]/);
  return end === -1 ? path : path.slice(0, end);
}

/**
 * Creates a router that holds many triggers under one route and dispatches each delivery by key.
 *
 * @param config - `route` (default `/api/webhook\:trigger/:key`).
 * @returns the router: a request handler with `add`, `remove`, `get` and `handleNode`.
 * @throws TypeError when the route has no `:key` parameter or does not parse.
 * @example
 * ```ts
 * const router = createWebhookRouter().add(createWebhookTrigger({ key: 'orders', workflow }));
 * await router(new Request('http://localhost/api/webhook:trigger/orders', { method: 'POST' }));
 * ```
 */
export function createWebhookRouter(config: WebhookRouterConfig = {}): WebhookRouter {
  const route = config.route ?? DEFAULT_ROUTE;
  let matcher: ReturnType<typeof match>;
  try {
    matcher = match(route, { decode: decodeURIComponent });
  } catch (error) {
    throw new TypeError(
      `createWebhookRouter: option "route" is invalid: ${(error as Error).message}`,
    );
  }
  if (!/(^|[^\\]):key\b/.test(route)) {
    throw new TypeError(
      `createWebhookRouter: option "route" must have a :key parameter, received "${route}"`,
    );
  }
  const triggers = new Map<string, WebhookTrigger>();

  /** The trigger and the other route parameters for a path, or the 404 to answer. */
  function find(
    path: string,
  ): { trigger: WebhookTrigger; params: Record<string, string> } | WebhookTriggerError {
    const found = matcher(path);
    const key = found ? (found.params as Record<string, unknown>).key : undefined;
    const trigger = typeof key === 'string' ? triggers.get(key) : undefined;
    if (!found || !trigger) return new WebhookTriggerError('TRIGGER_NOT_FOUND');
    const params: Record<string, string> = {};
    for (const [name, value] of Object.entries(found.params)) {
      if (name !== 'key' && typeof value === 'string') params[name] = value;
    }
    return { trigger, params };
  }

  async function routeWebhook(
    request: Request,
    options: TriggerCallOptions = {},
  ): Promise<Response> {
    const target = find(pathOf(request.url));
    if (target instanceof WebhookTriggerError) return toResponse(fromError(target));
    return target.trigger(request, {
      ...options,
      params: mergeParams(options.params, target.params),
    });
  }

  const router: WebhookRouter = Object.assign(routeWebhook, {
    route,
    add(trigger: WebhookTrigger) {
      if (typeof trigger !== 'function' || typeof trigger.key !== 'string') {
        throw new TypeError('router.add expects a trigger made by createWebhookTrigger');
      }
      if (triggers.has(trigger.key)) {
        throw new TypeError(
          `router.add: a trigger with key "${trigger.key}" is already in this router`,
        );
      }
      triggers.set(trigger.key, trigger);
      return router;
    },
    remove: (key: string) => triggers.delete(key),
    get: (key: string) => triggers.get(key),
    matches: (path: string) => matcher(path) !== false,
    async handleNode(
      req: NodeRequestLike,
      res: NodeResponseLike,
      options: TriggerCallOptions & { path?: string } = {},
    ) {
      const target = find(pathOf(req.url ?? '/'));
      if (target instanceof WebhookTriggerError) {
        writeNodeResponse(res, fromError(target));
        return;
      }
      await target.trigger.handleNode(req, res, {
        ...options,
        params: mergeParams(options.params, target.params),
      });
    },
    async close(options?: CloseOptions) {
      await Promise.all([...triggers.values()].map((trigger) => trigger.close(options)));
    },
  });
  return router;
}
