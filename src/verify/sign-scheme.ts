import type { HmacAlgorithm } from './crypto.js';
import {
  signGithub,
  signHmac,
  signLinear,
  signPaddle,
  signShopify,
  signSlack,
  signSquare,
  signStripe,
} from './hmac-schemes.js';
import { signStandardWebhooks } from './standard-webhooks.js';
import { signTwilio } from './twilio.js';
import type { SignedHeaders } from './types.js';

/** What a scheme signs or sends besides the body. */
export interface SignSchemeTraits {
  /** The signature covers the URL the delivery is sent to, so signing needs it. */
  readonly signsUrl: boolean;
  /** A unix-seconds timestamp is signed and sent. */
  readonly signsTimestamp: boolean;
  /** A delivery id is signed and sent. */
  readonly signsId: boolean;
  /** The header that carries the sender's delivery id without being signed, if the scheme has one. */
  readonly deliveryIdHeader?: string;
  /** The scheme needs the `hmac` options (the header name and how the signature is written). */
  readonly needsHmacOptions: boolean;
}

const TRAITS = {
  github: { deliveryIdHeader: 'x-github-delivery' },
  hmac: { needsHmacOptions: true },
  linear: { deliveryIdHeader: 'linear-delivery' },
  paddle: { signsTimestamp: true },
  shopify: { deliveryIdHeader: 'x-shopify-webhook-id' },
  slack: { signsTimestamp: true },
  square: { signsUrl: true },
  'standard-webhooks': { signsTimestamp: true, signsId: true },
  stripe: { signsTimestamp: true },
  twilio: { signsUrl: true, deliveryIdHeader: 'i-twilio-idempotency-token' },
} satisfies Record<string, Partial<SignSchemeTraits>>;

/** A scheme that {@link signFor} can sign: one per `sign*` helper. */
export type SignScheme = keyof typeof TRAITS;

/** Every scheme {@link signFor} accepts, in alphabetical order. */
export const SIGN_SCHEMES = Object.keys(TRAITS) as readonly SignScheme[];

/** Tells whether `value` names a scheme {@link signFor} accepts. */
export function isSignScheme(value: string): value is SignScheme {
  return Object.hasOwn(TRAITS, value);
}

/**
 * What `scheme` signs besides the body, so that a caller can ask for exactly the inputs it needs.
 *
 * @param scheme - one of {@link SIGN_SCHEMES}.
 * @returns the scheme's traits.
 */
export function signSchemeTraits(scheme: SignScheme): SignSchemeTraits {
  return {
    signsUrl: false,
    signsTimestamp: false,
    signsId: false,
    needsHmacOptions: false,
    ...TRAITS[scheme],
  };
}

/** How a generic {@link signHmac} sender writes its signature (scheme `hmac` only). */
export interface SignHmacOptions {
  /** The header carrying the signature. */
  header: string;
  /** The HMAC digest. @defaultValue `'sha256'` */
  algorithm?: HmacAlgorithm;
  /** How the signature is written. @defaultValue `'hex'` */
  encoding?: 'hex' | 'base64';
  /** Text before the signature in the header, such as `sha256=`. @defaultValue `''` */
  prefix?: string;
}

/** One delivery to sign with {@link signFor}. */
export interface SignDelivery {
  /** The secret, signing key or auth token (a `whsec_…` secret for `standard-webhooks`). */
  secret: string;
  /** The exact bytes sent, or a string taken as UTF-8. Never re-serialised. */
  body: string | Uint8Array;
  /** The URL the delivery is sent to; required by the schemes that sign it (`square`, `twilio`). */
  url?: string;
  /** Unix seconds, for the schemes that sign a timestamp. @defaultValue now, from `clock` */
  timestamp?: number;
  /**
   * The delivery id: signed by `standard-webhooks` (`webhook-id`), sent in the scheme's delivery id
   * header by `github`, `linear`, `shopify` and `twilio`, unused elsewhere.
   * @defaultValue a random `msg_…` id for `standard-webhooks`; no header for the others
   */
  id?: string;
  /**
   * The body's media type, for `twilio`, which signs a form body's parameters and any other body
   * through the `bodySHA256` of the URL. @defaultValue `application/x-www-form-urlencoded`
   */
  contentType?: string;
  /** The header and encoding of the signature; required by `hmac`. */
  hmac?: SignHmacOptions;
  /** The current time in epoch milliseconds, for the default timestamp. @defaultValue `Date.now` */
  clock?: () => number;
  /** Makes the default `standard-webhooks` id. @defaultValue a random `msg_…` id */
  createId?: () => string;
}

function randomId(): string {
  return `msg_${crypto.randomUUID().replace(/-/g, '')}`;
}

function requireUrl(scheme: SignScheme, url: string | undefined): string {
  if (typeof url !== 'string' || url === '') {
    throw new TypeError(`${scheme} signs the URL: url is required, received ${String(url)}`);
  }
  return url;
}

/**
 * The headers a sender using `scheme` would send with `delivery`: the scheme's signature headers,
 * and its delivery id header when an id is given.
 *
 * @param scheme - one of {@link SIGN_SCHEMES}.
 * @param delivery - the secret, the exact body and whatever else the scheme signs.
 * @returns the headers, with lower-case names.
 * @throws TypeError for an unknown scheme, an empty secret, a missing `url` (square, twilio) or
 *   `hmac.header` (hmac), a `standard-webhooks` secret that is not base64, or a non-form `twilio`
 *   body whose URL lacks `bodySHA256`.
 * @example
 * ```ts
 * const body = '{"id":"evt_1"}';
 * const headers = await signFor('stripe', { secret: 'whsec_test', body });
 * await fetch('http://127.0.0.1:3000/hooks/stripe', { method: 'POST', headers, body });
 * ```
 */
export async function signFor(scheme: SignScheme, delivery: SignDelivery): Promise<SignedHeaders> {
  if (!isSignScheme(scheme)) {
    throw new TypeError(
      `scheme must be one of ${SIGN_SCHEMES.join(', ')}, received ${String(scheme)}`,
    );
  }
  const { secret, body } = delivery;
  if (typeof secret !== 'string' || secret === '') {
    throw new TypeError(`${scheme}: secret must be a non-empty string`);
  }
  const timestamp = delivery.timestamp ?? Math.floor((delivery.clock ?? Date.now)() / 1000);
  const traits = signSchemeTraits(scheme);
  let headers: SignedHeaders;
  switch (scheme) {
    case 'github':
      headers = await signGithub(secret, body);
      break;
    case 'hmac': {
      const options = delivery.hmac;
      if (!options || typeof options.header !== 'string' || options.header === '') {
        throw new TypeError('hmac: hmac.header (the signature header) is required');
      }
      headers = await signHmac({ ...options, secret }, body);
      break;
    }
    case 'linear':
      headers = await signLinear(secret, body);
      break;
    case 'paddle':
      headers = await signPaddle(secret, body, timestamp);
      break;
    case 'shopify':
      headers = await signShopify(secret, body);
      break;
    case 'slack':
      headers = await signSlack(secret, body, timestamp);
      break;
    case 'square':
      headers = await signSquare(secret, requireUrl(scheme, delivery.url), body);
      break;
    case 'standard-webhooks': {
      const id = delivery.id ?? (delivery.createId ?? randomId)();
      try {
        headers = await signStandardWebhooks(secret, { id, timestamp, body });
      } catch (error) {
        throw new TypeError(`standard-webhooks: ${(error as Error).message}`);
      }
      break;
    }
    case 'stripe':
      headers = await signStripe(secret, body, timestamp);
      break;
    case 'twilio':
      headers =
        delivery.contentType === undefined
          ? await signTwilio(secret, requireUrl(scheme, delivery.url), body)
          : await signTwilio(secret, requireUrl(scheme, delivery.url), body, delivery.contentType);
      break;
  }
  if (traits.deliveryIdHeader !== undefined && delivery.id !== undefined) {
    headers[traits.deliveryIdHeader] = delivery.id;
  }
  return headers;
}
