/**
 * Twilio request validation: `X-Twilio-Signature` is base64(HMAC-SHA1(auth token, data)) where data
 * is the URL Twilio called followed by the POST parameters, or the URL alone for JSON bodies, whose
 * hash travels in the URL as `bodySHA256`.
 * https://www.twilio.com/docs/usage/webhooks/webhooks-security
 */
import { timingSafeEqualBytes } from './constant-time.js';
import {
  createHmacKey,
  fromBase64,
  fromHex,
  sha256,
  signatureInvalid,
  toBase64,
  toHex,
} from './crypto.js';
import { anyMatch, hmacKeys, requireHeader } from './shared.js';
import type { Verifier, VerifyRequest } from './types.js';

/** Options of {@link twilio}. */
export interface TwilioConfig {
  /**
   * The account's Auth Token (Twilio console, Account info), the HMAC key. During a rotation
   * pass the primary and the secondary token; a delivery signed with either passes.
   */
  authToken: string | string[];
  /**
   * The public URL Twilio calls (scheme, host, optional port and path, no query string). Set it
   * when the app sits behind a proxy or tunnel and the URL it receives differs from the one
   * configured in Twilio. The received URL's query string is appended to it, because Twilio signs
   * the query (and adds `bodySHA256` to it for JSON bodies).
   *
   * @defaultValue the received URL
   * @example `'https://hooks.example.com/twilio/sms'`
   */
  url?: string;
}

const SIGNATURE_HEADER = 'x-twilio-signature';
const FORM = 'application/x-www-form-urlencoded';
const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443' };
const utf8 = new TextDecoder('utf-8');

/**
 * Creates a {@link Verifier} for Twilio webhooks (Messaging, Voice, Studio, status callbacks).
 *
 * Form bodies are checked over the URL plus every POST parameter; other bodies over the URL alone,
 * and then the URL's `bodySHA256` must be the SHA-256 of the raw body. Like Twilio's own SDKs it
 * accepts the URL with and without the default port, with any port removed, and in its raw,
 * WHATWG-normalised and legacy-encoded forms, as Twilio is not consistent about which it signs.
 *
 * @param config - the auth token(s) and, behind a proxy, the public URL.
 * @returns a verifier with scheme `twilio` and delivery ids from `I-Twilio-Idempotency-Token`.
 * @throws TypeError naming `authToken` or `url` when the config is invalid. The verifier's
 *   `verify` throws `WebhookTriggerError` `SIGNATURE_INVALID` for a missing, malformed or wrong
 *   signature, or a body that does not match `bodySHA256`.
 * @example
 * ```ts
 * const verify = twilio({ authToken: [primary, secondary], url: 'https://example.com/sms' });
 * createWebhookTrigger({ verify, workflow });
 * ```
 */
export function twilio(config: TwilioConfig): Verifier {
  if (config === null || typeof config !== 'object') {
    throw new TypeError(
      `twilio: config must be an object with authToken, received ${String(config)}`,
    );
  }
  const keys = hmacKeys('sha1', config.authToken, 'twilio: authToken');
  const publicUrl = resolvePublicUrl(config.url);

  return {
    scheme: 'twilio',
    deliveryIdHeader: 'i-twilio-idempotency-token',
    async verify(request: VerifyRequest): Promise<void> {
      const header = requireHeader(request.header, SIGNATURE_HEADER);
      const signature = fromBase64(header.trim());
      if (!signature || signature.length === 0) throw signatureInvalid();

      const query = rawQuery(request.url);
      const url = publicUrl === undefined ? request.url : publicUrl + query;
      const bodyHash = new URLSearchParams(query).get('bodySHA256');
      const form =
        isForm(request.header('content-type')) ||
        (request.rawBody.length === 0 && bodyHash === null);

      let suffix = '';
      let bodyMatches = true;
      if (form) {
        suffix = formSuffix(utf8.decode(request.rawBody));
      } else {
        // Non-form bodies are not signed directly: the signed URL carries their SHA-256 instead.
        const claimed = bodyHash === null ? undefined : fromHex(bodyHash);
        const actual = await sha256(request.rawBody);
        bodyMatches = claimed !== undefined && timingSafeEqualBytes(claimed, actual);
      }

      let matched = false;
      for (const candidate of urlVariants(url)) {
        // Every variant is tried against every token; no early exit, so timing says nothing.
        matched = (await anyMatch(keys, [candidate + suffix], [signature])) || matched;
      }
      if (!matched || !bodyMatches) throw signatureInvalid();
    },
  };
}

/**
 * Appends `bodySHA256=<hex SHA-256 of body>` to a URL, as Twilio does before signing a request with
 * a JSON (non-form) body. Use it to build the URL you pass to {@link signTwilio} and send to.
 *
 * @param url - the webhook URL, with or without a query string.
 * @param body - the exact body bytes, or a string taken as UTF-8.
 * @returns the URL with the `bodySHA256` query parameter added (before any fragment).
 * @throws never; an invalid URL is extended as a string.
 * @example
 * ```ts
 * const url = await twilioBodyUrl('https://example.com/hook?foo=1', '{"a":1}');
 * // 'https://example.com/hook?foo=1&bodySHA256=…'
 * ```
 */
export async function twilioBodyUrl(url: string, body: string | Uint8Array): Promise<string> {
  const hash = toHex(await sha256(toBodyBytes(body)));
  const hashAt = url.indexOf('#');
  const base = hashAt === -1 ? url : url.slice(0, hashAt);
  const fragment = hashAt === -1 ? '' : url.slice(hashAt);
  const separator = !base.includes('?') ? '?' : base.endsWith('?') || base.endsWith('&') ? '' : '&';
  return `${base}${separator}bodySHA256=${hash}${fragment}`;
}

/**
 * Signs a delivery the way Twilio does, for tests and for sending Twilio-style webhooks.
 *
 * For a form body the signature covers the URL and the sorted POST parameters. For any other body
 * it covers the URL alone, so the URL must already carry the body's hash: build it with
 * {@link twilioBodyUrl} and send the delivery to that same URL.
 *
 * @param authToken - the Auth Token to sign with.
 * @param url - the exact URL the delivery is sent to (with `bodySHA256` for non-form bodies).
 * @param body - the exact body bytes, or a string taken as UTF-8.
 * @param contentType - the body's `Content-Type` (default `application/x-www-form-urlencoded`, as
 *   Twilio sends); anything but a form is signed the JSON way, over the URL alone.
 * @returns the headers to send: `{ 'x-twilio-signature': … }`.
 * @throws TypeError when `authToken` is empty, or when a non-form body is signed over a URL without
 *   `bodySHA256`.
 * @example
 * ```ts
 * const body = 'From=%2B15551234567&Body=hi';
 * const headers = await signTwilio('token', 'https://example.com/sms', body);
 * await fetch('https://example.com/sms', {
 *   method: 'POST',
 *   headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
 *   body,
 * });
 * ```
 */
export async function signTwilio(
  authToken: string,
  url: string,
  body: string | Uint8Array,
  contentType: string = FORM,
): Promise<Record<string, string>> {
  if (typeof authToken !== 'string' || authToken === '') {
    throw new TypeError(
      `signTwilio: authToken must be a non-empty string, received ${typeof authToken}`,
    );
  }
  let data = url;
  if (isForm(contentType)) {
    data += formSuffix(typeof body === 'string' ? body : utf8.decode(body));
  } else if (new URLSearchParams(rawQuery(url)).get('bodySHA256') === null) {
    throw new TypeError(
      'signTwilio: url must carry bodySHA256 for a non-form body (build it with twilioBodyUrl)',
    );
  }
  const mac = await createHmacKey('sha1', authToken).sign([data]);
  return { [SIGNATURE_HEADER]: toBase64(mac) };
}

function toBodyBytes(body: string | Uint8Array): Uint8Array {
  return typeof body === 'string' ? new TextEncoder().encode(body) : body;
}

function isForm(contentType: string | null | undefined): boolean {
  return (contentType ?? '').split(';', 1)[0]?.trim().toLowerCase() === FORM;
}

/** Validates the `url` option into a base (origin and path) the received query is appended to. */
function resolvePublicUrl(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  let parsed: URL | undefined;
  try {
    parsed = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!parsed || !(parsed.protocol in DEFAULT_PORTS) || /[?#]/.test(value as string)) {
    throw new TypeError(
      `twilio: url must be an absolute http(s) URL without query or fragment, received ${String(value)}`,
    );
  }
  return value as string;
}

/** The query string of a URL as written, `?` included, or `''`. */
function rawQuery(url: string): string {
  const hashAt = url.indexOf('#');
  const withoutFragment = hashAt === -1 ? url : url.slice(0, hashAt);
  const queryAt = withoutFragment.indexOf('?');
  return queryAt === -1 ? '' : withoutFragment.slice(queryAt);
}

/**
 * The POST parameters as Twilio appends them: sorted by name (code units), each name followed by
 * each of its distinct values in sorted order, decoded, without separators. The SDKs drop repeated
 * identical values (`sorted(set(values))` in twilio-python, `new Set` in twilio-node).
 */
function formSuffix(body: string): string {
  const params = new URLSearchParams(body);
  let suffix = '';
  for (const name of [...new Set(params.keys())].sort()) {
    for (const value of [...new Set(params.getAll(name))].sort()) suffix += name + value;
  }
  return suffix;
}

const AUTHORITY = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#@]*@)?(\[[^\]]*\]|[^/?#:]*)(?::(\d*))?(.*)$/is;

/**
 * Every form of `url` Twilio may have signed: as written, WHATWG-normalised (`'` → `%27` in the
 * query) and legacy-encoded (query re-encoded with `encodeURIComponent`), each as is, with the
 * scheme's default port added and with its port removed. Mirrors twilio-node's `validateRequest`
 * (removePort / addPort / withLegacyQuerystring) and twilio-python's `add_port` / `remove_port`.
 */
function urlVariants(url: string): Set<string> {
  const forms = [url];
  try {
    const parsed = new URL(url);
    forms.push(parsed.href);
    if (parsed.search) {
      const params = new URLSearchParams(parsed.search);
      const legacy = [...params]
        .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
        .join('&');
      parsed.search = '';
      parsed.hash = '';
      forms.push(`${parsed.href}?${legacy}`);
    }
  } catch {
    // Not parseable as a URL: only the string as written can have been signed.
  }
  const variants = new Set<string>();
  for (const form of forms) {
    variants.add(form);
    const match = AUTHORITY.exec(form);
    if (!match) continue;
    const [, scheme = '', userinfo = '', host = '', port, rest = ''] = match;
    const defaultPort = DEFAULT_PORTS[scheme.slice(0, -2).toLowerCase()];
    if (port === undefined && defaultPort !== undefined) {
      variants.add(`${scheme}${userinfo}${host}:${defaultPort}${rest}`);
    }
    variants.add(`${scheme}${userinfo}${host}${rest}`);
  }
  return variants;
}
