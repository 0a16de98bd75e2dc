/**
 * Every error code hookflow answers with, mapped to its HTTP status.
 *
 * The table is total: adding a code without a status does not compile. Codes are API; the wording of
 * messages is not.
 *
 * @example
 * ```ts
 * ERROR_STATUS.PAYLOAD_TOO_LARGE; // 413
 * const retryable = Object.entries(ERROR_STATUS).filter(([, status]) => status === 503);
 * ```
 */
export const ERROR_STATUS = {
  /** No trigger of the router has this key (or the path does not match the route). */
  TRIGGER_NOT_FOUND: 404,
  /** The trigger exists but `enabled` is `false`. */
  TRIGGER_DISABLED: 404,
  /** The method is not in `methods`; the response carries an `Allow` header. */
  METHOD_NOT_ALLOWED: 405,
  /** The client IP is not in `ipAllow` (or unknown while an allow-list is set). */
  IP_NOT_ALLOWED: 403,
  /** The body is over `limits.maxBodyBytes` (declared or read). */
  PAYLOAD_TOO_LARGE: 413,
  /** The request did not authenticate; Basic auth adds `WWW-Authenticate`. */
  UNAUTHORIZED: 401,
  /** A `verify` signature check failed: missing, malformed, stale or wrong signature. */
  SIGNATURE_INVALID: 401,
  /** The content type is outside `accept`, or its charset is unknown. */
  UNSUPPORTED_MEDIA_TYPE: 415,
  /** The body could not be read or parsed (malformed JSON). */
  INVALID_BODY: 400,
  /** Required `request.*` fields are absent; the message lists them. */
  MISSING_FIELDS: 400,
  /** The same delivery (by dedupe key) is still being handled; retry after `Retry-After`. */
  DELIVERY_IN_PROGRESS: 409,
  /** The queue has no room; retry after `Retry-After`. */
  QUEUE_FULL: 503,
  /** The queue could not accept the delivery; retry after `Retry-After`. */
  QUEUE_UNAVAILABLE: 503,
  /** The trigger is closing; retry after `Retry-After`. */
  SHUTTING_DOWN: 503,
  /** A sync workflow threw. */
  WORKFLOW_FAILED: 500,
  /** A sync workflow ran past `limits.timeoutMs`. */
  WORKFLOW_TIMEOUT: 408,
  /** The response the workflow or config asked for cannot be sent (bad status, header or body). */
  INVALID_RESPONSE: 500,
  /**
   * A body parser consumed the request before the trigger and only a parsed object is left, while a
   * signature verifier needs the exact bytes; the message says how to keep them.
   */
  RAW_BODY_UNAVAILABLE: 500,
  /** An unexpected failure inside hookflow. */
  INTERNAL_ERROR: 500,
} as const satisfies Record<string, number>;

/** A stable, machine-readable error code (the `error.code` of every error body). */
export type ErrorCode = keyof typeof ERROR_STATUS;

const DEFAULT_MESSAGES: Record<ErrorCode, string> = {
  TRIGGER_NOT_FOUND: 'No webhook trigger answers at this address.',
  TRIGGER_DISABLED: 'This webhook trigger is disabled.',
  METHOD_NOT_ALLOWED: 'This method is not allowed for this webhook.',
  IP_NOT_ALLOWED: 'This address may not call this webhook.',
  PAYLOAD_TOO_LARGE: 'The request body is larger than this webhook accepts.',
  UNAUTHORIZED: 'Authentication is required.',
  SIGNATURE_INVALID: 'The signature could not be verified.',
  UNSUPPORTED_MEDIA_TYPE: 'This content type is not accepted by this webhook.',
  INVALID_BODY: 'The request body could not be parsed.',
  MISSING_FIELDS: 'Required fields are missing.',
  DELIVERY_IN_PROGRESS: 'This delivery is still being handled; retry later.',
  QUEUE_FULL: 'Too many deliveries are waiting; retry later.',
  QUEUE_UNAVAILABLE: 'The delivery could not be queued; retry later.',
  SHUTTING_DOWN: 'This webhook is shutting down; retry later.',
  WORKFLOW_FAILED: 'The workflow failed.',
  WORKFLOW_TIMEOUT: 'The workflow did not finish in time.',
  INVALID_RESPONSE: 'The response could not be built.',
  RAW_BODY_UNAVAILABLE:
    'The raw request body is not available to verify its signature: mount the webhook before any body parser, or keep the raw bytes (req.rawBody). On a Next.js API route, set bodyParser: false (export const config = { api: { bodyParser: false } }).',
  INTERNAL_ERROR: 'An internal error occurred.',
};

/** Options of a {@link WebhookTriggerError}. */
export interface WebhookTriggerErrorOptions {
  /** The underlying error, kept for logs and execution records; never sent to the caller. */
  cause?: unknown;
  /** Extra response headers, such as `Allow`, `WWW-Authenticate` or `Retry-After`. */
  headers?: Record<string, string>;
}

/**
 * Marks every WebhookTriggerError. The CommonJS build gives each entry point (`hookflow`,
 * `hookflow/verify`, `hookflow/bullmq`) its own copy of the class, so `instanceof` checks this mark
 * (shared through the global symbol registry) rather than the prototype chain.
 */
const BRAND = Symbol.for('hookflow.WebhookTriggerError');

/**
 * The one error class of hookflow: a stable `code`, the HTTP `status` it answers with, and a message
 * that is safe to send to the caller (no secrets, no payload bytes, no stack).
 *
 * @example
 * ```ts
 * // Inside a sync workflow: reject the delivery with a 400 and the standard error body.
 * throw new WebhookTriggerError('INVALID_BODY', 'order.id must be a string');
 * ```
 */
export class WebhookTriggerError extends Error {
  /** @returns `true` for a WebhookTriggerError made by any copy of hookflow's code. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && BRAND in value;
  }

  /** The stable error code. */
  readonly code: ErrorCode;
  /** The HTTP status this error answers with, from {@link ERROR_STATUS}. */
  readonly status: number;
  /** Extra headers sent with the error response. */
  readonly headers: Record<string, string>;

  /**
   * @param code - one of the {@link ErrorCode}s; decides the status.
   * @param message - a caller-safe message; defaults to a generic one for the code.
   * @param options - `cause` (kept, never sent) and extra response `headers`.
   */
  constructor(code: ErrorCode, message?: string, options: WebhookTriggerErrorOptions = {}) {
    super(message ?? DEFAULT_MESSAGES[code], { cause: options.cause });
    this.name = 'WebhookTriggerError';
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.headers = options.headers ?? {};
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/**
 * Tells whether a value is a {@link WebhookTriggerError}, optionally of one code.
 *
 * @param value - anything caught.
 * @param code - when given, the error must also have this code.
 * @returns `true` when `value` is a `WebhookTriggerError` (with that code).
 * @example
 * ```ts
 * if (isWebhookTriggerError(err, 'PAYLOAD_TOO_LARGE')) log.warn('oversized delivery');
 * ```
 */
export function isWebhookTriggerError(
  value: unknown,
  code?: ErrorCode,
): value is WebhookTriggerError {
  return value instanceof WebhookTriggerError && (code === undefined || value.code === code);
}
