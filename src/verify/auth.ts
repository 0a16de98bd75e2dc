import { WebhookTriggerError } from '../response/errors.js';
import { expectText, matchesAnyText } from './constant-time.js';
import { toBase64 } from './crypto.js';

/** HTTP Basic authentication (RFC 7617). */
export interface BasicAuthConfig {
  /** Selects Basic authentication. */
  type: 'basic';
  /** The expected user name. */
  username: string;
  /** The expected password; several are accepted during a rotation. */
  password: string | string[];
  /**
   * The realm sent in `WWW-Authenticate`.
   * @defaultValue `"hookflow <trigger key>"`
   */
  realm?: string;
}

/** A bearer token (RFC 6750): `Authorization: Bearer <token>`. */
export interface BearerAuthConfig {
  /** Selects bearer-token authentication. */
  type: 'bearer';
  /** The expected token; several are accepted during a rotation. */
  token: string | string[];
}

/** A shared value in a header of the sender's choice, e.g. `X-Api-Key`. */
export interface HeaderAuthConfig {
  /** Selects header-token authentication. */
  type: 'header';
  /** The header name (case-insensitive). */
  name: string;
  /** The expected value; several are accepted during a rotation. */
  value: string | string[];
}

/** How callers authenticate to a trigger. */
export type AuthConfig = BasicAuthConfig | BearerAuthConfig | HeaderAuthConfig;

/** Checks a request's headers; throws `UNAUTHORIZED` when they do not authenticate. */
export type AuthCheck = (header: (name: string) => string | null | undefined) => void;

const utf8 = new TextDecoder('utf-8');
const encoder = new TextEncoder();

/** The user name and password of a Basic `Authorization` header, or `undefined` if malformed. */
function decodeBasic(authorization: string | null | undefined): [string, string] | undefined {
  const match = authorization ? /^basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization) : null;
  if (!match) return undefined;
  let binary: string;
  try {
    binary = atob(match[1] as string);
  } catch {
    return undefined;
  }
  // atob gives one character per byte: ASCII credentials are already the text, others are UTF-8.
  let decoded = binary;
  if (/[\x80-\xff]/.test(binary)) {
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    decoded = utf8.decode(bytes);
  }
  const colon = decoded.indexOf(':');
  if (colon === -1) return undefined;
  return [decoded.slice(0, colon), decoded.slice(colon + 1)];
}

function nonEmptyStrings(value: unknown, option: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || list.some((item) => typeof item !== 'string' || item === '')) {
    throw new TypeError(`${option} must be a non-empty string or a list of them`);
  }
  return list as string[];
}

/**
 * Resolves an {@link AuthConfig} once into a check.
 *
 * @param config - the `auth` option.
 * @param key - the trigger key, named in the default realm.
 * @throws TypeError naming the option when the config is incomplete.
 */
export function createAuthCheck(config: AuthConfig, key: string): AuthCheck {
  if (config === null || typeof config !== 'object') throw new TypeError('auth must be an object');
  const realm = (
    'realm' in config && typeof config.realm === 'string' ? config.realm : `hookflow ${key}`
  ).replace(/["\\]/g, '');
  const refuse = (headers?: Record<string, string>) =>
    new WebhookTriggerError(
      'UNAUTHORIZED',
      'Authentication is required.',
      headers ? { headers } : {},
    );
  if (config.type === 'bearer') {
    const tokens = nonEmptyStrings(config.token, 'auth.token').map(expectText);
    const challenge = { 'www-authenticate': `Bearer realm="${realm}"` };
    return function checkBearer(header) {
      const match = /^bearer\s+(\S+)\s*$/i.exec(header('authorization') ?? '');
      if (!matchesAnyText(match?.[1] ?? '', tokens) || !match) throw refuse(challenge);
    };
  }
  if (config.type === 'header') {
    if (typeof config.name !== 'string' || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(config.name)) {
      throw new TypeError('auth.name must be a header name');
    }
    const name = config.name.toLowerCase();
    const values = nonEmptyStrings(config.value, 'auth.value').map(expectText);
    return function checkHeaderToken(header) {
      const value = header(name);
      if (!matchesAnyText(value ?? '', values) || !value) throw refuse();
    };
  }
  if (config.type !== 'basic') {
    throw new TypeError(
      `auth.type must be 'basic', 'bearer' or 'header', received ${JSON.stringify((config as { type?: unknown }).type)}`,
    );
  }
  if (typeof config.username !== 'string' || config.username.includes(':')) {
    throw new TypeError('auth.username must be a string without ":"');
  }
  const username = [expectText(config.username)];
  const given = nonEmptyStrings(config.password, 'auth.password');
  const passwords = given.map(expectText);
  const challenge = { 'www-authenticate': `Basic realm="${realm}", charset="UTF-8"` };

  // How clients spell the right credentials: compared whole first, which spares decoding them.
  const usual = given.map((password) =>
    expectText(`Basic ${toBase64(encoder.encode(`${config.username}:${password}`))}`),
  );

  return function checkBasicAuth(header) {
    const authorization = header('authorization');
    // In constant time, like the rest: a miss then takes the decoding path below.
    if (authorization && matchesAnyText(authorization, usual)) return;
    const credentials = decodeBasic(authorization);
    // Both halves are always compared, so a wrong user name takes as long as a wrong password.
    const userOk = matchesAnyText(credentials?.[0] ?? '', username);
    const passwordOk = matchesAnyText(credentials?.[1] ?? '', passwords);
    if (!credentials || !userOk || !passwordOk) throw refuse(challenge);
  };
}
