import qs from 'qs';
import type { Clock } from '../runner/index.js';
import { signRequest, type TestSignConfig } from './sign.js';

/** Options of {@link createTestRequest}: a delivery as a sender would make it. */
export interface TestRequestConfig {
  /**
   * Where the delivery goes; a path is taken relative to `http://localhost`. Schemes that sign the
   * URL (Square, Twilio) sign this one, with `query` added.
   * @defaultValue `'http://localhost/'`
   */
  url?: string | URL;
  /** The HTTP method. @defaultValue `'POST'` */
  method?: string;
  /**
   * The body. A string, bytes, `Blob`, `FormData` or `URLSearchParams` is sent as is, with the
   * content type the platform gives it. Any other value is encoded: as a form (qs, nested keys as
   * `a[b]=1`) when `headers` declares `application/x-www-form-urlencoded`, else as JSON with
   * `content-type: application/json`. @defaultValue no body
   */
  body?: unknown;
  /**
   * Query parameters added to the URL: an object (encoded with qs, as the trigger decodes it:
   * `{ filter: { ids: [1, 2] } }` becomes `filter[ids][0]=1&filter[ids][1]=2`), a string or
   * `URLSearchParams`.
   */
  query?: Record<string, unknown> | string | URLSearchParams;
  /** Request headers. A `content-type` here wins over the one derived from `body`. */
  headers?: HeadersInit;
  /** Adds `Authorization: Basic …` (UTF-8), as the trigger's `auth: { type: 'basic' }` checks. */
  basicAuth?: {
    /** The user name (no colon). */
    username: string;
    /** The password. */
    password: string;
  };
  /** Signs the finished body and URL the way a sender of this scheme does. */
  sign?: TestSignConfig;
  /**
   * Where signature timestamps come from: give the trigger's clock (a `fakeClock()`), so that its
   * verifiers find them within their tolerance. @defaultValue `Date.now`
   */
  clock?: Pick<Clock, 'now'> | (() => number);
}

const BASE = 'http://localhost/';
const FORM = 'application/x-www-form-urlencoded';
const utf8 = new TextEncoder();

function fail(option: string, expected: string, value: unknown): never {
  const received =
    typeof value === 'string'
      ? JSON.stringify(value)
      : value === null
        ? 'null'
        : Array.isArray(value)
          ? 'an array'
          : typeof value;
  throw new TypeError(
    `createTestRequest: option "${option}" must be ${expected}, received ${received}`,
  );
}

/** A value the platform's `Request` sends as is. */
function isBodyInit(value: unknown): value is BodyInit {
  return (
    typeof value === 'string' ||
    value instanceof ArrayBuffer ||
    ArrayBuffer.isView(value) ||
    value instanceof Blob ||
    value instanceof FormData ||
    value instanceof URLSearchParams ||
    value instanceof ReadableStream
  );
}

function mediaType(contentType: string | null): string {
  return (contentType ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
}

/** The exact body bytes and the content type they imply. */
async function encodeBody(
  body: unknown,
  declared: string | null,
): Promise<{ bytes: Uint8Array; contentType: string | null }> {
  if (isBodyInit(body)) {
    // The platform's own encoding, multipart boundary and default content type included.
    const encoded = new Response(body);
    return {
      bytes: new Uint8Array(await encoded.arrayBuffer()),
      contentType: encoded.headers.get('content-type'),
    };
  }
  if (mediaType(declared) === FORM) {
    if (body === null || typeof body !== 'object') fail('body', 'an object for a form', body);
    return { bytes: utf8.encode(qs.stringify(body)), contentType: FORM };
  }
  const json = JSON.stringify(body);
  if (json === undefined) fail('body', 'a string, bytes or a JSON value', body);
  return { bytes: utf8.encode(json), contentType: 'application/json' };
}

function withQuery(url: URL, query: TestRequestConfig['query']): URL {
  if (query === undefined) return url;
  let text: string;
  if (typeof query === 'string') text = query.replace(/^\?/, '');
  else if (query instanceof URLSearchParams) text = query.toString();
  else if (query !== null && typeof query === 'object' && !Array.isArray(query)) {
    text = qs.stringify(query);
  } else fail('query', 'an object, a string or URLSearchParams', query);
  if (text === '') return url;
  const joined = new URL(url);
  joined.search = joined.search.length > 1 ? `${joined.search}&${text}` : `?${text}`;
  return joined;
}

function basicCredentials(basicAuth: NonNullable<TestRequestConfig['basicAuth']>): string {
  const { username, password } = basicAuth ?? {};
  if (typeof username !== 'string' || username.includes(':')) {
    fail('basicAuth.username', 'a string without ":"', username);
  }
  if (typeof password !== 'string') fail('basicAuth.password', 'a string', password);
  // RFC 7617 §2.1: user-pass in UTF-8, then base64.
  let binary = '';
  for (const byte of utf8.encode(`${username}:${password}`)) binary += String.fromCharCode(byte);
  return `Basic ${btoa(binary)}`;
}

function nowOf(clock: TestRequestConfig['clock']): number {
  if (clock === undefined) return Date.now();
  if (typeof clock === 'function') return clock();
  if (clock !== null && typeof clock === 'object' && typeof clock.now === 'function') {
    return clock.now();
  }
  return fail('clock', 'a function or an object with now()', clock);
}

/** What both paths of {@link createTestRequest} share: the checked method, URL and headers. */
function prepare(config: TestRequestConfig) {
  if (config === null || typeof config !== 'object') fail('config', 'an object', config);
  const method = (config.method ?? 'POST').toUpperCase();
  let url: URL;
  try {
    url = withQuery(new URL(config.url ?? BASE, BASE), config.query);
  } catch (error) {
    if (error instanceof TypeError && error.message.startsWith('createTestRequest')) throw error;
    return fail('url', 'an absolute URL or a path', config.url);
  }
  const headers = new Headers(config.headers);
  if (config.body !== undefined && (method === 'GET' || method === 'HEAD')) {
    fail('body', `absent for a ${method} request`, config.body);
  }
  if (config.basicAuth !== undefined) {
    headers.set('authorization', basicCredentials(config.basicAuth));
  }
  return { method, url, headers };
}

/** An unsigned delivery, built at once: a body the platform sends as is is handed over as is. */
function unsignedRequest(config: TestRequestConfig): Request {
  const { method, url, headers } = prepare(config);
  let body: BodyInit | undefined;
  if (config.body !== undefined) {
    if (isBodyInit(config.body)) body = config.body;
    else if (mediaType(headers.get('content-type')) === FORM) {
      if (config.body === null || typeof config.body !== 'object') {
        fail('body', 'an object for a form', config.body);
      }
      body = qs.stringify(config.body);
    } else {
      const json = JSON.stringify(config.body);
      if (json === undefined) fail('body', 'a string, bytes or a JSON value', config.body);
      body = json;
      if (!headers.has('content-type')) headers.set('content-type', 'application/json');
    }
  }
  return new Request(url.href, { method, headers, ...(body === undefined ? {} : { body }) });
}

/** A signed delivery: the signature covers the exact bytes sent, so they are encoded first. */
async function signedRequest(config: TestRequestConfig, sign: TestSignConfig): Promise<Request> {
  const { method, url, headers } = prepare(config);
  let body = config.body;
  const nowMs = nowOf(config.clock);
  if (
    sign.scheme === 'linear' &&
    body !== null &&
    typeof body === 'object' &&
    !isBodyInit(body) &&
    !Array.isArray(body) &&
    !('webhookTimestamp' in body)
  ) {
    body = { ...body, webhookTimestamp: nowMs };
  }
  let bytes: Uint8Array | undefined;
  if (body !== undefined) {
    const encoded = await encodeBody(body, headers.get('content-type'));
    bytes = encoded.bytes;
    if (!headers.has('content-type') && encoded.contentType) {
      headers.set('content-type', encoded.contentType);
    }
  }
  const signed = await signRequest(sign, {
    url: url.href,
    body: bytes ?? new Uint8Array(0),
    contentType: headers.get('content-type'),
    nowMs,
  });
  for (const [name, value] of Object.entries(signed.headers)) headers.set(name, value);
  return new Request(signed.url, {
    method,
    headers,
    ...(bytes === undefined ? {} : { body: bytes as BodyInit }),
  });
}

/**
 * Builds a delivery for a trigger under test: the body encoded (objects as JSON), its content type
 * set, the query added, Basic credentials, and a signature made with the same `sign*` helper of
 * `hookflow/verify` that the matching verifier checks.
 *
 * Without `sign` the `Request` is returned at once. With `sign` it is a promise of one: signatures
 * are computed with Web Crypto, which is asynchronous. `await` works on both.
 *
 * @param config - url, method, body, query, headers, basicAuth, sign and clock; all optional.
 * @returns the `Request`; with `sign`, a promise of it.
 * @throws TypeError for an option of the wrong type, an unknown `sign.scheme` (the message lists
 * the known ones), or a body with a GET or HEAD request; with `sign`, as a rejection.
 * @example
 * ```ts
 * const plain = createTestRequest({ url: '/hooks/orders', body: { id: 'A-1' } });
 * const signed = await createTestRequest({
 *   url: '/hooks/github',
 *   headers: { 'x-github-event': 'push' },
 *   body: { ref: 'refs/heads/main' },
 *   sign: { scheme: 'github', secret: 'test-secret' },
 * });
 * const response = await trigger(signed); // accepted by verify: github({ secret: 'test-secret' })
 * ```
 */
export function createTestRequest(
  config: TestRequestConfig & { sign: TestSignConfig },
): Promise<Request>;
export function createTestRequest(config?: TestRequestConfig & { sign?: undefined }): Request;
export function createTestRequest(config?: TestRequestConfig): Request | Promise<Request>;
export function createTestRequest(config: TestRequestConfig = {}): Request | Promise<Request> {
  if (config !== null && typeof config === 'object' && config.sign !== undefined) {
    const sign = config.sign;
    return Promise.resolve().then(() => signedRequest(config, sign));
  }
  return unsignedRequest(config);
}
