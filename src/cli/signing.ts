import type { HmacAlgorithm } from '../verify/crypto.js';
import {
  isSignScheme,
  SIGN_SCHEMES,
  type SignDelivery,
  type SignScheme,
  type SignSchemeTraits,
  signFor,
  signSchemeTraits,
} from '../verify/sign-scheme.js';
import type { SignedHeaders } from '../verify/types.js';
import { UsageError } from './io.js';

/** The `parseArgs` options that describe a signature, shared by `sign` and `send`. */
export const SIGNING_OPTIONS = {
  secret: { type: 'string' },
  timestamp: { type: 'string' },
  id: { type: 'string' },
  'signature-header': { type: 'string' },
  algorithm: { type: 'string' },
  encoding: { type: 'string' },
  prefix: { type: 'string' },
} as const;

/** The parsed values of {@link SIGNING_OPTIONS}. */
export interface SigningValues {
  secret?: string | undefined;
  timestamp?: string | undefined;
  id?: string | undefined;
  'signature-header'?: string | undefined;
  algorithm?: string | undefined;
  encoding?: string | undefined;
  prefix?: string | undefined;
}

/** The help lines of {@link SIGNING_OPTIONS}, for `sign` and `send`. */
export const SIGNING_HELP = `  --secret <secret>  the secret, signing key or auth token (whsec_… for standard-webhooks)
  --timestamp <t>    unix seconds to sign (paddle, slack, standard-webhooks, stripe);
                     default now
  --id <id>          the delivery id: signed as webhook-id by standard-webhooks (default
                     a random msg_… id); sent in the delivery id header by github, linear,
                     shopify and twilio
  --signature-header <name>
                     hmac: the header carrying the signature (required)
  --algorithm <a>    hmac: sha256 (default), sha1 or sha512
  --encoding <e>     hmac: hex (default) or base64
  --prefix <text>    hmac: text before the signature, such as "sha256="`;

/** A scheme and every input of its signature except the body and the URL. */
export interface Signing {
  scheme: SignScheme;
  traits: SignSchemeTraits;
  delivery: Omit<SignDelivery, 'body' | 'url' | 'contentType'>;
}

const HMAC_OPTIONS = ['signature-header', 'algorithm', 'encoding', 'prefix'] as const;
const ALGORITHMS: readonly HmacAlgorithm[] = ['sha256', 'sha1', 'sha512'];
const ENCODINGS = ['hex', 'base64'] as const;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Media type of a form body, which Twilio signs parameter by parameter. */
export const FORM = 'application/x-www-form-urlencoded';

/** The schemes whose traits pass `test`, for messages such as "only by paddle, slack". */
export function schemesWith(test: (traits: SignSchemeTraits) => boolean): string {
  return SIGN_SCHEMES.filter((scheme) => test(signSchemeTraits(scheme))).join(', ');
}

/**
 * Reads a scheme name, given as the `sign` argument or as `--scheme`.
 *
 * @throws UsageError listing the valid schemes when `value` is not one.
 */
export function resolveScheme(value: string | undefined, option?: '--scheme'): SignScheme {
  if (value !== undefined && isSignScheme(value)) return value;
  const valid = SIGN_SCHEMES.join(', ');
  if (option) throw new UsageError(`${option} must be one of ${valid}, received "${value}"`);
  throw new UsageError(
    value === undefined
      ? `give a scheme: one of ${valid}`
      : `unknown scheme "${value}": use one of ${valid}`,
  );
}

/**
 * Checks the signing options against what `scheme` signs and resolves them once.
 *
 * @throws UsageError for a missing `--secret`, a malformed `--timestamp`, an option the scheme does
 *   not use, or missing or bad hmac options.
 */
export function resolveSigning(scheme: SignScheme, values: SigningValues): Signing {
  const traits = signSchemeTraits(scheme);
  if (values.secret === undefined || values.secret === '') {
    throw new UsageError(`--secret is required to sign with ${scheme}`);
  }
  const delivery: Signing['delivery'] = { secret: values.secret };
  if (values.timestamp !== undefined) {
    if (!traits.signsTimestamp) {
      throw new UsageError(
        `--timestamp is not used by ${scheme} (only by ${schemesWith((t) => t.signsTimestamp)})`,
      );
    }
    if (!/^\d{1,12}$/.test(values.timestamp)) {
      throw new UsageError(
        `--timestamp must be unix seconds in digits, received "${values.timestamp}"`,
      );
    }
    delivery.timestamp = Number(values.timestamp);
  }
  if (values.id !== undefined) {
    if (!traits.signsId && traits.deliveryIdHeader === undefined) {
      throw new UsageError(
        `--id is not used by ${scheme} (only by ${schemesWith((t) => t.signsId || t.deliveryIdHeader !== undefined)})`,
      );
    }
    if (values.id === '' || /[\r\n]/.test(values.id)) {
      throw new UsageError('--id must be a non-empty single line');
    }
    delivery.id = values.id;
  }
  if (!traits.needsHmacOptions) {
    const given = HMAC_OPTIONS.find((option) => values[option] !== undefined);
    if (given) throw new UsageError(`--${given} is only used by the hmac scheme`);
    return { scheme, traits, delivery };
  }
  const header = values['signature-header'];
  if (header === undefined || !TOKEN.test(header)) {
    throw new UsageError(
      header === undefined
        ? '--signature-header is required by the hmac scheme'
        : `--signature-header must be a header name, received "${header}"`,
    );
  }
  const algorithm = values.algorithm ?? 'sha256';
  if (!ALGORITHMS.includes(algorithm as HmacAlgorithm)) {
    throw new UsageError(
      `--algorithm must be one of ${ALGORITHMS.join(', ')}, received "${algorithm}"`,
    );
  }
  const encoding = values.encoding ?? 'hex';
  if (encoding !== 'hex' && encoding !== 'base64') {
    throw new UsageError(
      `--encoding must be one of ${ENCODINGS.join(', ')}, received "${encoding}"`,
    );
  }
  delivery.hmac = {
    header,
    algorithm: algorithm as HmacAlgorithm,
    encoding,
    prefix: values.prefix ?? '',
  };
  return { scheme, traits, delivery };
}

/**
 * Checks an absolute http(s) URL given on the command line.
 *
 * @throws UsageError naming `option` otherwise.
 */
export function resolveUrl(value: string, option: string): string {
  let protocol: string | undefined;
  try {
    protocol = new URL(value).protocol;
  } catch {
    protocol = undefined;
  }
  if (protocol !== 'http:' && protocol !== 'https:') {
    throw new UsageError(`${option} must be an absolute http(s) URL, received "${value}"`);
  }
  return value;
}

/** Tells whether a Twilio URL already carries the hash of a non-form body. */
export function hasBodyHash(url: string): boolean {
  const query = url.split('#', 1)[0]?.split('?').slice(1).join('?') ?? '';
  return new URLSearchParams(query).has('bodySHA256');
}

/**
 * Signs one delivery; the bytes signed are the bytes given, unchanged.
 *
 * @throws UsageError when the secret is not usable by the scheme.
 */
export async function signDelivery(
  signing: Signing,
  body: Uint8Array,
  url: string | undefined,
  contentType: string | undefined,
): Promise<SignedHeaders> {
  const delivery: SignDelivery = { ...signing.delivery, body };
  if (url !== undefined) delivery.url = url;
  if (contentType !== undefined) delivery.contentType = contentType;
  try {
    return await signFor(signing.scheme, delivery);
  } catch (error) {
    // Every input was checked above but the secret's format, which only the scheme knows.
    if (error instanceof TypeError) throw new UsageError(`--secret: ${error.message}`);
    throw error;
  }
}
