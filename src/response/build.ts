import { ERROR_STATUS, isWebhookTriggerError, WebhookTriggerError } from './errors.js';
import type { ResponseSpec, SentResponse } from './types.js';

const JSON_TYPE = 'application/json';
const TEXT_TYPE = 'text/plain; charset=utf-8';
const BYTES_TYPE = 'application/octet-stream';
// RFC 9110 §5.1 (field-name is a token) and §5.5 (field-value: no CR, LF or NUL).
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
// RFC 9110 §15.3.5, §15.3.6, §15.4.5: these statuses never carry content.
const NULL_BODY_STATUSES = new Set([204, 205, 304]);

/** The headers {@link writeNodeResponse} sends for each frozen (shared) response. */
const NODE_HEADERS = new WeakMap<SentResponse, Readonly<Record<string, string>>>();

/**
 * Reads a status from a spec: an integer 200–599, or a string of one.
 *
 * @returns the status, or `undefined` when the value is not a valid status.
 */
export function toStatus(value: unknown): number | undefined {
  const status = typeof value === 'string' && /^\d{3}$/.test(value.trim()) ? Number(value) : value;
  return typeof status === 'number' && Number.isInteger(status) && status >= 200 && status <= 599
    ? status
    : undefined;
}

function invalid(message: string, cause?: unknown): WebhookTriggerError {
  return new WebhookTriggerError('INVALID_RESPONSE', message, { cause });
}

function toHeaders(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers === undefined || headers === null) return out;
  if (typeof headers !== 'object') throw invalid('Response headers must be an object.');
  for (const [name, raw] of Object.entries(headers)) {
    if (raw === undefined || raw === null) continue;
    // Objects (from templates such as "{{$context.body.order}}") are sent as JSON, not [object Object].
    const value =
      typeof raw === 'string' ? raw : typeof raw === 'object' ? JSON.stringify(raw) : String(raw);
    if (!HEADER_NAME.test(name) || !HEADER_VALUE.test(value)) {
      throw invalid(`Response header "${HEADER_NAME.test(name) ? name : '?'}" is not valid.`);
    }
    out[name.toLowerCase()] = value;
  }
  return out;
}

function serialise(body: unknown, asJson: boolean): { type?: string; body?: string | Uint8Array } {
  if (body === undefined) return {};
  if (!asJson && typeof body === 'string') return { type: TEXT_TYPE, body };
  if (body instanceof Uint8Array) return { type: BYTES_TYPE, body };
  if (body instanceof ArrayBuffer) return { type: BYTES_TYPE, body: new Uint8Array(body) };
  let text: string | undefined;
  try {
    text = JSON.stringify(body);
  } catch (cause) {
    throw invalid('The response body cannot be serialised as JSON.', cause);
  }
  // JSON.stringify returns undefined for functions and symbols: nothing to send.
  return text === undefined ? {} : { type: JSON_TYPE, body: text };
}

function finish(status: number, headers: Record<string, string>, body: unknown, asJson: boolean) {
  const sent: SentResponse = { status, headers };
  if (NULL_BODY_STATUSES.has(status)) return sent;
  const out = serialise(body, asJson);
  if (out.body === undefined) return sent;
  if (out.type !== undefined && headers['content-type'] === undefined) {
    headers['content-type'] = out.type;
  }
  sent.body = out.body;
  return sent;
}

/**
 * Turns an already rendered {@link ResponseSpec} into the response to send.
 *
 * @throws {@link WebhookTriggerError} `INVALID_RESPONSE` for a bad status, header or body.
 */
export function fromSpec(spec: ResponseSpec, defaultStatus = 200): SentResponse {
  const status = spec.status === undefined ? defaultStatus : toStatus(spec.status);
  if (status === undefined)
    throw invalid('The response status must be an integer from 200 to 599.');
  return finish(status, toHeaders(spec.headers), spec.body, false);
}

/** A response whose body is `value` as JSON (empty when `undefined`): the sync default. */
export function fromValue(value: unknown, status = 200): SentResponse {
  return finish(status, {}, value, true);
}

/**
 * Turns anything thrown into the standard error response `{"error":{"code","message"}}`. Errors that
 * are not {@link WebhookTriggerError}s become `fallback` with its generic message: their own messages
 * may hold internals and are never sent.
 */
export function fromError(
  error: unknown,
  fallback: WebhookTriggerError['code'] = 'WORKFLOW_FAILED',
) {
  const known = isWebhookTriggerError(error) ? error : new WebhookTriggerError(fallback);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(known.headers)) headers[name.toLowerCase()] = value;
  headers['content-type'] = JSON_TYPE;
  const body = JSON.stringify({ error: { code: known.code, message: known.message } });
  return { status: ERROR_STATUS[known.code], headers, body } satisfies SentResponse;
}

/** Builds the Web `Response` for a {@link SentResponse}. */
export function toResponse(sent: SentResponse): Response {
  // `Response` accepts a Uint8Array body at runtime; the DOM typings ask for a BufferSource view.
  const body = (sent.body ?? null) as BodyInit | null;
  return new Response(body, { status: sent.status, headers: sent.headers });
}

/** The parts of a Node `ServerResponse` hookflow writes to (so Node types stay type-only). */
export interface NodeResponseLike {
  /** Whether `end()` was called. */
  readonly writableEnded: boolean;
  /** Writes the status line and headers. */
  writeHead(status: number, headers: Record<string, string>): unknown;
  /** Writes the body (if any) and ends the response. */
  end(body?: string | Uint8Array): unknown;
  /** Listens for `close` (the client went away, or the response finished). */
  on(event: 'close', listener: () => void): unknown;
}

/** The UTF-8 length of a string, without encoding it. */
function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) bytes += 1;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      // A surrogate pair: 2 UTF-16 units, 4 UTF-8 bytes.
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 2;
        i++;
      } else bytes += 2;
    } else bytes += 2;
  }
  return bytes;
}

/**
 * Writes a {@link SentResponse} to a Node response: one `writeHead` and one `end`. The length is
 * always sent, so the answer goes out in one write on a keep-alive connection, not chunked.
 */
export function writeNodeResponse(res: NodeResponseLike, sent: SentResponse): void {
  if (res.writableEnded) return;
  const { body } = sent;
  let headers = NODE_HEADERS.get(sent);
  if (headers === undefined) {
    headers = NULL_BODY_STATUSES.has(sent.status)
      ? sent.headers
      : {
          ...sent.headers,
          'content-length': String(
            body === undefined ? 0 : typeof body === 'string' ? utf8Length(body) : body.byteLength,
          ),
        };
    // A frozen response (a static acknowledgement) is sent again and again: its headers once.
    if (Object.isFrozen(sent)) NODE_HEADERS.set(sent, Object.freeze(headers));
  }
  res.writeHead(sent.status, headers);
  if (body === undefined) res.end();
  else res.end(body);
}
