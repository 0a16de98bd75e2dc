import { WebhookTriggerError } from '../response/errors.js';
import { parseQueryString } from './query.js';

/** A parsed `Content-Type` header. */
export interface MediaType {
  /** `type/subtype`, lower-case, without parameters. */
  essence: string;
  /** The `charset` parameter, lower-case, when present. */
  charset?: string;
}

/** How a media type is decoded into `body`. */
export type BodyKind = 'json' | 'form' | 'text' | 'bytes';

const FALLBACK: MediaType = { essence: 'application/octet-stream' };
const utf8 = new TextDecoder('utf-8');

/** Parses a `Content-Type` header (RFC 9110 §8.3.1); a missing or broken one reads as bytes. */
export function parseMediaType(header: string | null | undefined): MediaType {
  if (!header) return FALLBACK;
  // A sender sends the same Content-Type every time: the last answer serves it again.
  if (header === last.header) return last.type;
  const type = parseNewMediaType(header);
  last = { header, type };
  return type;
}

let last: { header: string; type: MediaType } = { header: '', type: FALLBACK };

function parseNewMediaType(header: string): MediaType {
  const semicolon = header.indexOf(';');
  const essence = (semicolon === -1 ? header : header.slice(0, semicolon)).trim().toLowerCase();
  if (!/^[!#$%&'*+.^_`|~0-9a-z-]+\/[!#$%&'*+.^_`|~0-9a-z-]+$/.test(essence)) return FALLBACK;
  if (semicolon === -1) return { essence };
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(header.slice(semicolon))?.[1];
  return charset === undefined ? { essence } : { essence, charset: charset.toLowerCase() };
}

/** Tells how a media type is decoded: JSON (and any `+json`), form, text (`text/*`) or bytes. */
export function toBodyKind(essence: string): BodyKind {
  if (essence === 'application/json' || essence.endsWith('+json')) return 'json';
  if (essence === 'application/x-www-form-urlencoded') return 'form';
  if (essence.startsWith('text/')) return 'text';
  return 'bytes';
}

/**
 * Builds a predicate from media ranges: `application/json`, `text/*`, `application/*+json`, `* /*`.
 *
 * @throws TypeError for a range that is not `type/subtype`.
 */
export function createMediaTypeMatcher(ranges: readonly string[]): (essence: string) => boolean {
  const tests = ranges.map((raw) => {
    const range = raw.trim().toLowerCase();
    const match = /^([a-z0-9!#$&^_.+-]+|\*)\/([a-z0-9!#$&^_.+-]+|\*(?:\+[a-z0-9.-]+)?)$/.exec(
      range,
    );
    if (!match)
      throw new TypeError(`expected a media range like "application/json", received "${raw}"`);
    const [, type, subtype = ''] = match;
    if (type === '*') return () => true;
    if (subtype === '*') return (essence: string) => essence.startsWith(`${type}/`);
    if (subtype.startsWith('*+')) {
      const suffix = subtype.slice(1);
      return (essence: string) => essence.startsWith(`${type}/`) && essence.endsWith(suffix);
    }
    return (essence: string) => essence === range;
  });
  return (essence) => tests.some((test) => test(essence));
}

function decodeText(bytes: Uint8Array, charset: string | undefined): string {
  if (charset === undefined || charset === 'utf-8' || charset === 'utf8') return utf8.decode(bytes);
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(charset);
  } catch {
    throw new WebhookTriggerError('UNSUPPORTED_MEDIA_TYPE', 'This charset is not supported.');
  }
  return decoder.decode(bytes);
}

// Keys that only matter to code that later merges the body into another object: JSON.parse itself
// creates them as plain own properties, but they are dropped so that no downstream merge can turn
// them into prototype pollution.
function dropPrototypeKeys(key: string, value: unknown): unknown {
  if (key === '__proto__') return undefined;
  if (
    key === 'constructor' &&
    value !== null &&
    typeof value === 'object' &&
    'prototype' in value
  ) {
    return undefined;
  }
  return value;
}

function parseJson(text: string): unknown {
  try {
    // A key may be spelled with escapes (`"\u005f_proto__"`), so any escape sends the text through
    // the filtering path too.
    return text.includes('__proto__') || text.includes('constructor') || text.includes('\\u')
      ? JSON.parse(text, dropPrototypeKeys)
      : JSON.parse(text);
  } catch (cause) {
    throw new WebhookTriggerError('INVALID_BODY', 'The request body is not valid JSON.', { cause });
  }
}

/**
 * Decodes raw body bytes by media type: JSON → value, form → qs object, text → string, else
 * `undefined` (the bytes stay on `rawBody`). An empty body is `undefined`, never an error.
 *
 * @throws {@link WebhookTriggerError} `INVALID_BODY` for malformed JSON; `UNSUPPORTED_MEDIA_TYPE`
 * for an unknown charset.
 */
export function decodeBody(bytes: Uint8Array, mediaType: MediaType): unknown {
  if (bytes.byteLength === 0) return undefined;
  const kind = toBodyKind(mediaType.essence);
  if (kind === 'bytes') return undefined;
  const text = decodeText(bytes, mediaType.charset);
  if (kind === 'json') return parseJson(text);
  if (kind === 'form') return parseQueryString(text);
  return text;
}
