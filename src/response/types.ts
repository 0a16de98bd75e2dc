/**
 * What a workflow (through `run.respond`) or the trigger config (`response`) says the HTTP response is.
 * Any field may hold templates such as `"{{$context.body.order.id}}"`.
 */
export interface ResponseSpec {
  /** HTTP status, 200–599 (or a template rendering to one). @defaultValue `200` */
  status?: number | string;
  /** Response headers; names are case-insensitive; `undefined` and `null` values are left out. */
  headers?: Record<string, string | undefined>;
  /**
   * The body: a string is sent as text, bytes as `application/octet-stream`, anything else as JSON.
   * A `content-type` header overrides the default type.
   */
  body?: unknown;
}

/** A response exactly as it was (or will be) sent: rendered, serialised, with lower-case header names. */
export interface SentResponse {
  /** The HTTP status. */
  status: number;
  /** The headers, lower-case names. */
  headers: Record<string, string>;
  /** The body bytes as text, or raw bytes for binary bodies; absent for an empty body. */
  body?: string | Uint8Array;
}
