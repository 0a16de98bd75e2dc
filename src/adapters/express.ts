import type { NodeResponseLike } from '../response/index.js';
import type {
  NodeRequestLike,
  TriggerCallOptions,
  WebhookRouter,
  WebhookTrigger,
} from '../trigger/index.js';

/** The parts of an Express 4/5 request the handler reads (so `express` stays a type-only peer). */
export interface ExpressRequestLike extends NodeRequestLike {
  /** The URL before mounting stripped its prefix. */
  originalUrl?: string;
  /** The client IP, as Express resolves it (`trust proxy`). */
  ip?: string | undefined;
  /** What a body parser left: a parsed value, or a `Buffer` from `express.raw()`. */
  body?: unknown;
  /** The exact bytes, when a body parser's `verify` callback kept them. */
  rawBody?: unknown;
  /** Set by body-parser 1.x (Express 4) once it read the stream. */
  _body?: boolean;
  /** `true` once the body stream was read to its end (body-parser 2.x, Express 5). */
  readableEnded?: boolean;
}

/** An Express request handler. */
export type ExpressHandler = (
  req: ExpressRequestLike,
  res: NodeResponseLike,
  next: (error?: unknown) => void,
) => void;

/**
 * Turns a trigger or a router into an Express 4/5 request handler, on the Node fast path. Mount it
 * before `express.json()`, or keep the raw bytes with the parser's `verify` callback: with only a
 * parsed body, signed deliveries fail closed with 500 `RAW_BODY_UNAVAILABLE`. A router passes
 * requests whose path does not match its route on to `next`.
 *
 * @param handler - a trigger from `createWebhookTrigger` or a router from `createWebhookRouter`.
 * @returns the request handler.
 * @throws TypeError when `handler` is neither a trigger nor a router.
 * @example
 * ```ts
 * import { expressHandler } from 'hookflow/express';
 * app.post('/hooks/github', expressHandler(trigger)); // before express.json()
 * app.use(express.json());
 * // or, after the parser, keep the exact bytes:
 * app.use(express.json({ verify: (req, _res, buf) => { req.rawBody = buf } }));
 * app.use('/hooks', expressHandler(router));
 * ```
 */
export function expressHandler(handler: WebhookTrigger | WebhookRouter): ExpressHandler {
  if (typeof handler !== 'function' || typeof handler.handleNode !== 'function') {
    throw new TypeError('expressHandler expects a trigger or a router');
  }
  const router = 'matches' in handler ? handler : undefined;
  return function expressWebhookHandler(req, res, next) {
    // Under a mount, req.url is relative to it: the router matches it, the trigger sees the full URL.
    if (router && !router.matches((req.url ?? '/').split('?')[0] ?? '/')) {
      next();
      return;
    }
    const options: TriggerCallOptions & { path?: string } = {};
    if (req.originalUrl !== undefined) options.path = req.originalUrl;
    if (req.ip) options.clientIp = req.ip;
    const consumed = req._body === true || req.readableEnded === true;
    if (req.rawBody instanceof Uint8Array) options.rawBody = req.rawBody;
    else if (req.body instanceof Uint8Array) options.rawBody = req.body;
    else if (consumed && req.body !== undefined) options.parsedBody = req.body;
    handler.handleNode(req, res, options).catch(next);
  };
}
