import type { HmacAlgorithm, SignedHeaders } from '../verify/index.js';
import { twilioBodyUrl } from '../verify/index.js';
import { signFor } from '../verify/sign-scheme.js';

/**
 * How {@link createTestRequest} signs a request: the `scheme` of the matching verifier from
 * `hookflow/verify`, and what that scheme signs with (the same option names as the verifier's
 * config). The body, URL and timestamps come from the request and its `clock`.
 */
export type TestSignConfig =
  | {
      /**
       * Schemes that sign the body alone: `github` (`X-Hub-Signature-256`), `shopify`
       * (`X-Shopify-Hmac-Sha256`), `linear` (`Linear-Signature`; an object body without
       * `webhookTimestamp` gets one, the clock's now in milliseconds, as Linear sends it).
       */
      scheme: 'github' | 'shopify' | 'linear';
      /** The webhook secret the verifier is configured with. */
      secret: string;
    }
  | {
      /** Schemes that sign a timestamp with the body: `stripe`, `slack`, `paddle`. */
      scheme: 'stripe' | 'slack' | 'paddle';
      /** The signing secret the verifier is configured with. */
      secret: string;
      /**
       * The signed timestamp, unix seconds. Set it in the past to test the tolerance.
       * @defaultValue now, from the request's `clock`
       */
      timestamp?: number;
    }
  | {
      /** Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`, v1). */
      scheme: 'standard-webhooks';
      /** A `whsec_…` secret. */
      secret: string;
      /** The `webhook-id`. @defaultValue a random `msg_…` id */
      id?: string;
      /** The signed timestamp, unix seconds. @defaultValue now, from the request's `clock` */
      timestamp?: number;
    }
  | {
      /** Square (`x-square-hmacsha256-signature`, over the notification URL and the body). */
      scheme: 'square';
      /** The subscription's signature key (or give it as `secret`, like the other schemes). */
      signatureKey?: string;
      /** The same as `signatureKey`. */
      secret?: string;
      /**
       * The notification URL the verifier is configured with (it is signed).
       * @defaultValue the request URL
       */
      notificationUrl?: string;
    }
  | {
      /**
       * Twilio (`X-Twilio-Signature`). A form body is signed with its parameters; for any other
       * non-empty body `bodySHA256` is added to the request URL first, as Twilio does.
       */
      scheme: 'twilio';
      /** The Auth Token (or give it as `secret`, like the other schemes). */
      authToken?: string;
      /** The same as `authToken`. */
      secret?: string;
      /**
       * The public URL the verifier is configured with (no query); the request's query is
       * appended to it, as the verifier does. @defaultValue the request URL
       */
      url?: string;
    }
  | {
      /** Any sender that puts an HMAC of the body in a header, as the `hmac()` verifier checks. */
      scheme: 'hmac';
      /** The header carrying the signature. */
      header: string;
      /** The shared secret. */
      secret: string;
      /** The HMAC digest. @defaultValue `'sha256'` */
      algorithm?: HmacAlgorithm;
      /** How the signature is written. @defaultValue `'hex'` */
      encoding?: 'hex' | 'base64';
      /** Text before the signature, e.g. `sha256=`. @defaultValue `''` */
      prefix?: string;
    };

/** Every scheme {@link TestSignConfig} knows, as the verifiers name them. */
export const SIGN_SCHEMES = [
  'github',
  'shopify',
  'linear',
  'stripe',
  'slack',
  'paddle',
  'standard-webhooks',
  'square',
  'twilio',
  'hmac',
] as const satisfies readonly TestSignConfig['scheme'][];

const FORM = 'application/x-www-form-urlencoded';

/** What a signer needs of the request being built. */
export interface Unsigned {
  url: string;
  body: Uint8Array;
  contentType: string | null;
  nowMs: number;
}

function text(config: Record<string, unknown>, option: string): string {
  const value = config[option];
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(
      `createTestRequest: option "sign.${option}" must be a non-empty string, received ${value === undefined ? 'undefined' : typeof value}`,
    );
  }
  return value;
}

function seconds(config: { timestamp?: number }, nowMs: number): number {
  const { timestamp } = config;
  if (timestamp === undefined) return Math.floor(nowMs / 1000);
  if (!Number.isInteger(timestamp)) {
    throw new TypeError(
      `createTestRequest: option "sign.timestamp" must be unix seconds (an integer), received ${String(timestamp)}`,
    );
  }
  return timestamp;
}

/** The query part of a URL, `?` included, or `''`. */
function queryOf(url: string): string {
  const parsed = new URL(url);
  return parsed.search;
}

function isForm(contentType: string | null): boolean {
  return (contentType ?? '').split(';', 1)[0]?.trim().toLowerCase() === FORM;
}

/**
 * Signs a request for `config.scheme` with the matching `sign*` helper of `hookflow/verify`.
 *
 * @returns the headers to add, and the URL to send to (Twilio adds `bodySHA256` to it).
 * @throws TypeError for an unknown scheme or a missing secret.
 */
export async function signRequest(
  config: TestSignConfig,
  request: Unsigned,
): Promise<{ headers: SignedHeaders; url: string }> {
  if (config === null || typeof config !== 'object') {
    throw new TypeError(
      `createTestRequest: option "sign" must be an object with a scheme, received ${String(config)}`,
    );
  }
  const options = config as Record<string, unknown>;
  const { body, nowMs } = request;
  let { url } = request;
  let headers: SignedHeaders;
  // Each case only maps the verifier's option names onto the one scheme-to-helper table.
  switch (config.scheme) {
    case 'github':
    case 'shopify':
    case 'linear':
      headers = await signFor(config.scheme, { secret: text(options, 'secret'), body });
      break;
    case 'stripe':
    case 'slack':
    case 'paddle':
      headers = await signFor(config.scheme, {
        secret: text(options, 'secret'),
        body,
        timestamp: seconds(config, nowMs),
      });
      break;
    case 'standard-webhooks':
      headers = await signFor(config.scheme, {
        secret: text(options, 'secret'),
        body,
        timestamp: seconds(config, nowMs),
        ...(config.id === undefined ? {} : { id: config.id }),
      });
      break;
    case 'square':
      headers = await signFor('square', {
        secret: text(options, options.signatureKey === undefined ? 'secret' : 'signatureKey'),
        url: config.notificationUrl ?? url,
        body,
      });
      break;
    case 'twilio': {
      const authToken = text(options, options.authToken === undefined ? 'secret' : 'authToken');
      const form = isForm(request.contentType) || body.byteLength === 0;
      // Twilio signs the URL alone for non-form bodies, with the body's hash in its query.
      if (!form) url = await twilioBodyUrl(url, body);
      headers = await signFor('twilio', {
        secret: authToken,
        url: config.url === undefined ? url : `${config.url}${queryOf(url)}`,
        body,
        contentType: form ? FORM : (request.contentType ?? ''),
      });
      break;
    }
    case 'hmac':
      headers = await signFor('hmac', {
        secret: text(options, 'secret'),
        body,
        hmac: {
          header: text(options, 'header'),
          ...(config.algorithm === undefined ? {} : { algorithm: config.algorithm }),
          ...(config.encoding === undefined ? {} : { encoding: config.encoding }),
          ...(config.prefix === undefined ? {} : { prefix: config.prefix }),
        },
      });
      break;
    default:
      throw new TypeError(
        `createTestRequest: option "sign.scheme" must be one of ${SIGN_SCHEMES.map((s) => `'${s}'`).join(', ')}, received ${JSON.stringify((config as { scheme?: unknown }).scheme) ?? 'undefined'}`,
      );
  }
  return { headers, url };
}
