import {
  fromBase64,
  type HmacAlgorithm,
  type HmacKey,
  signatureInvalid,
  toBase64,
  toHex,
} from './crypto.js';
import {
  anyMatch,
  anyMatchHex,
  checkTimestamp,
  expectMatch,
  hmacKeys,
  requireHeader,
  secretList,
  tolerance,
} from './shared.js';
import type { Secrets, SignedHeaders, Verifier, VerifyRequest } from './types.js';

const decoder = new TextDecoder();
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** One HMAC of `parts` with `secret`, for the sign helpers. */
async function macOf(
  secret: string,
  parts: (string | Uint8Array)[],
  algorithm: HmacAlgorithm = 'sha256',
) {
  return (hmacKeys(algorithm, secret, 'secret')[0] as HmacKey).sign(parts);
}

/** Options of {@link github}. */
export interface GithubConfig {
  /** The webhook secret; several during a rotation. */
  secret: Secrets;
  /**
   * Also accept the legacy `X-Hub-Signature` (HMAC-SHA1) when the SHA-256 header is absent. Only for
   * old GitHub Enterprise servers. @defaultValue `false`
   */
  legacySha1?: boolean;
}

/**
 * Verifies GitHub deliveries: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`.
 *
 * @param config - `secret` and `legacySha1`.
 * @returns the verifier; its delivery id header is `x-github-delivery`.
 * @throws TypeError for a missing secret.
 * @example
 * ```ts
 * createWebhookTrigger({ verify: github({ secret: process.env.GITHUB_WEBHOOK_SECRET! }), workflow });
 * ```
 */
export function github(config: GithubConfig): Verifier {
  const sha256 = hmacKeys('sha256', config?.secret, 'github: secret');
  const sha1 = config.legacySha1 ? hmacKeys('sha1', config.secret, 'github: secret') : undefined;
  return {
    scheme: 'github',
    deliveryIdHeader: 'x-github-delivery',
    verify({ header, rawBody }) {
      const modern = header('x-hub-signature-256');
      const legacy = sha1 && !modern ? header('x-hub-signature') : undefined;
      if (!modern && !legacy) throw signatureInvalid('Missing x-hub-signature-256 header.');
      const prefix = modern ? 'sha256=' : 'sha1=';
      const keys = modern ? sha256 : (sha1 ?? []);
      const value = (modern ?? legacy) as string;
      if (!value.startsWith(prefix)) throw signatureInvalid();
      return expectMatch(anyMatchHex(keys, [rawBody], [value.slice(prefix.length)]));
    },
  };
}

/**
 * The `X-Hub-Signature-256` header GitHub would send for `body`.
 *
 * @param secret - the webhook secret.
 * @param body - the exact body.
 * @returns `{ 'x-hub-signature-256': 'sha256=…' }`.
 * @example
 * ```ts
 * const headers = await signGithub('It\'s a Secret to Everybody', 'Hello, World!');
 * ```
 */
export async function signGithub(
  secret: string,
  body: string | Uint8Array,
): Promise<SignedHeaders> {
  return {
    'x-hub-signature-256': `sha256=${toHex(await macOf(secret, [body]))}`,
  };
}

/** Options of the timestamped schemes: {@link stripe}, {@link slack}, {@link paddle}. */
export interface TimestampedSecretConfig {
  /** The signing secret; several during a rotation. */
  secret: Secrets;
  /** How far the signed timestamp may be from now, either way. Each scheme documents its default. */
  toleranceSeconds?: number;
}

/** Parses `k=v` pairs separated by `separator` into a map of lists. */
function pairs(header: string, separator: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of header.split(separator)) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    const key = part.slice(0, eq).trim();
    out.set(key, [...(out.get(key) ?? []), part.slice(eq + 1).trim()]);
  }
  return out;
}

/**
 * Verifies Stripe deliveries: `Stripe-Signature: t=<ts>,v1=<hex>[,v1=…]`, HMAC-SHA256 over
 * `t.body`; the timestamp must be within `toleranceSeconds` (default 300, as Stripe's libraries).
 *
 * @param config - `secret` (`whsec_…` from the dashboard) and `toleranceSeconds`.
 * @returns the verifier (Stripe sends no delivery id header: dedupe on `body.id`).
 * @throws TypeError for a missing secret.
 * @example
 * ```ts
 * createWebhookTrigger({ verify: stripe({ secret: process.env.STRIPE_WEBHOOK_SECRET! }), dedupe: { key: 'body.id' }, workflow });
 * ```
 */
export function stripe(config: TimestampedSecretConfig): Verifier {
  const keys = hmacKeys('sha256', config?.secret, 'stripe: secret');
  const toleranceSeconds = tolerance(config.toleranceSeconds, 300, 'stripe: toleranceSeconds');
  return {
    scheme: 'stripe',
    verify({ header, rawBody, now }) {
      const parsed = pairs(requireHeader(header, 'stripe-signature'), ',');
      const timestamp = parsed.get('t')?.[0];
      checkTimestamp(timestamp, now, toleranceSeconds);
      const candidates = parsed.get('v1') ?? [];
      if (candidates.length === 0) throw signatureInvalid();
      return expectMatch(anyMatchHex(keys, [`${timestamp}.`, rawBody], candidates));
    },
  };
}

/**
 * The `Stripe-Signature` header Stripe would send for `body` at `timestamp`.
 *
 * @param secret - the endpoint secret.
 * @param body - the exact body.
 * @param timestamp - unix seconds. @defaultValue now
 * @returns `{ 'stripe-signature': 't=…,v1=…' }`.
 * @example
 * ```ts
 * const headers = await signStripe('whsec_test', '{"id":"evt_1"}');
 * ```
 */
export async function signStripe(
  secret: string,
  body: string | Uint8Array,
  timestamp = nowSeconds(),
): Promise<SignedHeaders> {
  const mac = await macOf(secret, [`${timestamp}.`, body]);
  return { 'stripe-signature': `t=${timestamp},v1=${toHex(mac)}` };
}

/**
 * Verifies Slack requests: `X-Slack-Signature: v0=<hex>` over `v0:<X-Slack-Request-Timestamp>:body`
 * with the signing secret; the timestamp must be within `toleranceSeconds` (default 300, Slack's).
 *
 * @param config - `secret` (the app's signing secret) and `toleranceSeconds`.
 * @returns the verifier.
 * @throws TypeError for a missing secret.
 * @example
 * ```ts
 * createWebhookTrigger({ verify: slack({ secret: process.env.SLACK_SIGNING_SECRET! }), mode: 'sync', workflow });
 * ```
 */
export function slack(config: TimestampedSecretConfig): Verifier {
  const keys = hmacKeys('sha256', config?.secret, 'slack: secret');
  const toleranceSeconds = tolerance(config.toleranceSeconds, 300, 'slack: toleranceSeconds');
  return {
    scheme: 'slack',
    verify({ header, rawBody, now }) {
      const timestamp = requireHeader(header, 'x-slack-request-timestamp');
      const value = requireHeader(header, 'x-slack-signature');
      checkTimestamp(timestamp, now, toleranceSeconds);
      if (!value.startsWith('v0=')) throw signatureInvalid();
      return expectMatch(anyMatchHex(keys, [`v0:${timestamp}:`, rawBody], [value.slice(3)]));
    },
  };
}

/**
 * The headers Slack would send for `body` at `timestamp`.
 *
 * @param secret - the signing secret.
 * @param body - the exact body.
 * @param timestamp - unix seconds. @defaultValue now
 * @returns `x-slack-request-timestamp` and `x-slack-signature`.
 * @example
 * ```ts
 * const headers = await signSlack('8f742231b10e8888abcd99yyyzzz85a5', 'token=x');
 * ```
 */
export async function signSlack(
  secret: string,
  body: string | Uint8Array,
  timestamp = nowSeconds(),
): Promise<SignedHeaders> {
  const mac = await macOf(secret, [`v0:${timestamp}:`, body]);
  return {
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': `v0=${toHex(mac)}`,
  };
}

/**
 * Verifies Paddle Billing deliveries: `Paddle-Signature: ts=<ts>;h1=<hex>[;h1=…]`, HMAC-SHA256 over
 * `ts:body`; any `h1` may match (rotation); the timestamp must be within `toleranceSeconds`
 * (default 5, as Paddle's SDK).
 *
 * @param config - `secret` (the notification destination's secret key) and `toleranceSeconds`.
 * @returns the verifier (dedupe on `body.notification_id`).
 * @throws TypeError for a missing secret.
 * @example
 * ```ts
 * createWebhookTrigger({ verify: paddle({ secret: process.env.PADDLE_WEBHOOK_SECRET! }), workflow });
 * ```
 */
export function paddle(config: TimestampedSecretConfig): Verifier {
  const keys = hmacKeys('sha256', config?.secret, 'paddle: secret');
  const toleranceSeconds = tolerance(config.toleranceSeconds, 5, 'paddle: toleranceSeconds');
  return {
    scheme: 'paddle',
    verify({ header, rawBody, now }) {
      const parsed = pairs(requireHeader(header, 'paddle-signature'), ';');
      const timestamp = parsed.get('ts')?.[0];
      checkTimestamp(timestamp, now, toleranceSeconds);
      const candidates = parsed.get('h1') ?? [];
      if (candidates.length === 0) throw signatureInvalid();
      return expectMatch(anyMatchHex(keys, [`${timestamp}:`, rawBody], candidates));
    },
  };
}

/**
 * The `Paddle-Signature` header Paddle would send for `body` at `timestamp`.
 *
 * @param secret - the secret key.
 * @param body - the exact body.
 * @param timestamp - unix seconds. @defaultValue now
 * @returns `{ 'paddle-signature': 'ts=…;h1=…' }`.
 * @example
 * ```ts
 * const headers = await signPaddle('pdl_ntfset_…', '{"event_type":"transaction.paid"}');
 * ```
 */
export async function signPaddle(
  secret: string,
  body: string | Uint8Array,
  timestamp = nowSeconds(),
): Promise<SignedHeaders> {
  const mac = await macOf(secret, [`${timestamp}:`, body]);
  return { 'paddle-signature': `ts=${timestamp};h1=${toHex(mac)}` };
}

/** Options of {@link shopify}. */
export interface ShopifyConfig {
  /** The app's client secret; several during a rotation. */
  secret: Secrets;
}

/**
 * Verifies Shopify deliveries: `X-Shopify-Hmac-Sha256: <base64 HMAC-SHA256 of the raw body>`.
 *
 * @param config - `secret`.
 * @returns the verifier; its delivery id header is `x-shopify-webhook-id`.
 * @throws TypeError for a missing secret.
 * @example
 * ```ts
 * createWebhookTrigger({ verify: shopify({ secret: process.env.SHOPIFY_API_SECRET! }), dedupe: { key: 'delivery' }, workflow });
 * ```
 */
export function shopify(config: ShopifyConfig): Verifier {
  const keys = hmacKeys('sha256', config?.secret, 'shopify: secret');
  return {
    scheme: 'shopify',
    deliveryIdHeader: 'x-shopify-webhook-id',
    verify({ header, rawBody }) {
      const signature = fromBase64(requireHeader(header, 'x-shopify-hmac-sha256'));
      if (!signature) throw signatureInvalid();
      return expectMatch(anyMatch(keys, [rawBody], [signature]));
    },
  };
}

/**
 * The `X-Shopify-Hmac-Sha256` header Shopify would send for `body`.
 *
 * @param secret - the client secret.
 * @param body - the exact body.
 * @returns `{ 'x-shopify-hmac-sha256': '…' }`.
 * @example
 * ```ts
 * const headers = await signShopify('test_secret_key', '{"foo": "bar"}');
 * ```
 */
export async function signShopify(
  secret: string,
  body: string | Uint8Array,
): Promise<SignedHeaders> {
  return { 'x-shopify-hmac-sha256': toBase64(await macOf(secret, [body])) };
}

/** Options of {@link square}. */
export interface SquareConfig {
  /** The subscription's signature key; several during a rotation. */
  signatureKey: Secrets;
  /** The notification URL exactly as registered with Square (it is part of the signed content). */
  notificationUrl: string;
}

/**
 * Verifies Square deliveries: `x-square-hmacsha256-signature: <base64 HMAC-SHA256 of
 * notificationUrl + raw body>`.
 *
 * @param config - `signatureKey` and `notificationUrl`.
 * @returns the verifier (dedupe on `body.event_id`).
 * @throws TypeError for a missing key or URL.
 * @example
 * ```ts
 * createWebhookTrigger({ verify: square({ signatureKey: process.env.SQUARE_KEY!, notificationUrl: 'https://example.com/hooks/square' }), workflow });
 * ```
 */
export function square(config: SquareConfig): Verifier {
  const keys = hmacKeys('sha256', config?.signatureKey, 'square: signatureKey');
  if (typeof config.notificationUrl !== 'string' || config.notificationUrl === '') {
    throw new TypeError('square: notificationUrl must be the URL registered with Square');
  }
  const { notificationUrl } = config;
  return {
    scheme: 'square',
    verify({ header, rawBody }) {
      const signature = fromBase64(requireHeader(header, 'x-square-hmacsha256-signature'));
      if (!signature) throw signatureInvalid();
      return expectMatch(anyMatch(keys, [notificationUrl, rawBody], [signature]));
    },
  };
}

/**
 * The `x-square-hmacsha256-signature` header Square would send.
 *
 * @param signatureKey - the signature key.
 * @param notificationUrl - the registered URL.
 * @param body - the exact body.
 * @returns the header.
 * @example
 * ```ts
 * const headers = await signSquare('key', 'https://example.com/hooks/square', '{}');
 * ```
 */
export async function signSquare(
  signatureKey: string,
  notificationUrl: string,
  body: string | Uint8Array,
): Promise<SignedHeaders> {
  const mac = await macOf(signatureKey, [notificationUrl, body]);
  return { 'x-square-hmacsha256-signature': toBase64(mac) };
}

/** Options of {@link linear}. */
export interface LinearConfig {
  /** The webhook's signing secret; several during a rotation. */
  secret: Secrets;
  /** How far `webhookTimestamp` (in the body) may be from now. @defaultValue `60` */
  toleranceSeconds?: number;
}

/**
 * Verifies Linear deliveries: `Linear-Signature: <hex HMAC-SHA256 of the raw body>`, and the body's
 * `webhookTimestamp` (ms) within `toleranceSeconds` (default 60, Linear's advice).
 *
 * @param config - `secret` and `toleranceSeconds`.
 * @returns the verifier; its delivery id header is `linear-delivery`.
 * @throws TypeError for a missing secret.
 * @example
 * ```ts
 * createWebhookTrigger({ verify: linear({ secret: process.env.LINEAR_WEBHOOK_SECRET! }), workflow });
 * ```
 */
export function linear(config: LinearConfig): Verifier {
  const keys = hmacKeys('sha256', config?.secret, 'linear: secret');
  const toleranceSeconds = tolerance(config.toleranceSeconds, 60, 'linear: toleranceSeconds');
  return {
    scheme: 'linear',
    deliveryIdHeader: 'linear-delivery',
    async verify({ header, rawBody, now }) {
      const signature = requireHeader(header, 'linear-signature');
      await expectMatch(anyMatchHex(keys, [rawBody], [signature]));
      // The timestamp is inside the signed body, so it is checked once the body is authentic.
      const timestamp = /"webhookTimestamp"\s*:\s*(\d+)/.exec(decoder.decode(rawBody))?.[1];
      checkTimestamp(
        timestamp && String(Math.floor(Number(timestamp) / 1000)),
        now,
        toleranceSeconds,
      );
    },
  };
}

/**
 * The `Linear-Signature` header Linear would send for `body`.
 *
 * @param secret - the signing secret.
 * @param body - the exact body (it should hold `webhookTimestamp`).
 * @returns `{ 'linear-signature': '…' }`.
 * @example
 * ```ts
 * const headers = await signLinear('secret', JSON.stringify({ action: 'create', webhookTimestamp: Date.now() }));
 * ```
 */
export async function signLinear(
  secret: string,
  body: string | Uint8Array,
): Promise<SignedHeaders> {
  return { 'linear-signature': toHex(await macOf(secret, [body])) };
}

/** Options of {@link hmac}: any sender that signs with an HMAC in a header. */
export interface HmacConfig {
  /** The header carrying the signature. */
  header: string;
  /** The HMAC digest. @defaultValue `'sha256'` */
  algorithm?: HmacAlgorithm;
  /** How the signature is written. @defaultValue `'hex'` */
  encoding?: 'hex' | 'base64';
  /** Text before the signature in the header, e.g. `sha256=`. @defaultValue `''` */
  prefix?: string;
  /** The shared secret; several during a rotation. */
  secret: Secrets;
  /** What is signed. @defaultValue the raw body */
  signedContent?: (request: VerifyRequest) => (string | Uint8Array)[];
  /** The header holding the sender's delivery id, for dedupe. */
  deliveryIdHeader?: string;
}

/**
 * Verifies any sender that puts an HMAC of the request in a header.
 *
 * @param config - header, algorithm, encoding, prefix, secret, signedContent.
 * @returns the verifier.
 * @throws TypeError for a missing header or secret, or an unknown algorithm or encoding.
 * @example
 * ```ts
 * hmac({ header: 'x-signature', prefix: 'sha256=', secret: process.env.SECRET! });
 * ```
 */
export function hmac(config: HmacConfig): Verifier {
  if (typeof config?.header !== 'string' || config.header === '')
    throw new TypeError('hmac: header is required');
  const algorithm = config.algorithm ?? 'sha256';
  if (!['sha1', 'sha256', 'sha512'].includes(algorithm))
    throw new TypeError(
      `hmac: algorithm must be sha1, sha256 or sha512, received ${String(algorithm)}`,
    );
  const encoding = config.encoding ?? 'hex';
  if (encoding !== 'hex' && encoding !== 'base64')
    throw new TypeError('hmac: encoding must be hex or base64');
  const keys = hmacKeys(algorithm, config.secret, 'hmac: secret');
  secretList(config.secret, 'hmac: secret');
  const name = config.header.toLowerCase();
  const prefix = config.prefix ?? '';
  const content = config.signedContent ?? ((request: VerifyRequest) => [request.rawBody]);
  const verifier: Verifier = {
    scheme: 'hmac',
    verify(request) {
      const value = requireHeader(request.header, name);
      if (!value.startsWith(prefix)) throw signatureInvalid();
      const text = value.slice(prefix.length);
      if (encoding === 'hex') return expectMatch(anyMatchHex(keys, content(request), [text]));
      const signature = fromBase64(text);
      if (!signature) throw signatureInvalid();
      return expectMatch(anyMatch(keys, content(request), [signature]));
    },
  };
  return config.deliveryIdHeader
    ? { ...verifier, deliveryIdHeader: config.deliveryIdHeader.toLowerCase() }
    : verifier;
}

/**
 * The header an {@link hmac}-configured sender would send.
 *
 * @param config - the same options as the verifier (`signedContent` is not used: the body is signed).
 * @param body - the exact body.
 * @returns `{ [header]: prefix + signature }`.
 * @example
 * ```ts
 * const headers = await signHmac({ header: 'x-signature', secret: 's' }, '{}');
 * ```
 */
export async function signHmac(
  config: Omit<HmacConfig, 'signedContent'> & { secret: string },
  body: string | Uint8Array,
): Promise<SignedHeaders> {
  const mac = await macOf(config.secret, [body], config.algorithm);
  const text = (config.encoding ?? 'hex') === 'hex' ? toHex(mac) : toBase64(mac);
  return { [config.header.toLowerCase()]: `${config.prefix ?? ''}${text}` };
}
