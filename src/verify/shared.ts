import { timingSafeEqualBytes, timingSafeEqualHex } from './constant-time.js';
import { createHmacKey, type HmacAlgorithm, type HmacKey, signatureInvalid } from './crypto.js';
import type { Secrets } from './types.js';

/** Validates a `string | string[]` secret option into a non-empty list. */
export function secretList(value: unknown, option: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || list.some((item) => typeof item !== 'string' || item === '')) {
    throw new TypeError(`${option} must be a non-empty string or a list of them (rotation)`);
  }
  return list as string[];
}

/** One HMAC key per secret of a rotation. */
export function hmacKeys(algorithm: HmacAlgorithm, secrets: Secrets, option: string): HmacKey[] {
  return secretList(secrets, option).map((secret) => createHmacKey(algorithm, secret));
}

/**
 * Signs `parts` with every key and checks the candidates against each: true when any pair matches.
 * Every comparison runs (constant time per candidate), so timing does not tell which key matched.
 * Synchronous when the keys sign synchronously (node:crypto), so the common case awaits nothing.
 */
export function anyMatch(
  keys: readonly HmacKey[],
  parts: readonly (Uint8Array | string)[],
  candidates: readonly Uint8Array[],
): boolean | Promise<boolean> {
  return matchKeys(keys, parts, candidates, false);
}

/**
 * {@link anyMatch} for schemes that send their signatures as hex: the candidates are compared as
 * text with the MACs written as lower-case hex (natively), so nothing is decoded. A candidate that
 * is not hex of the right length matches nothing. For a 1 KB GitHub delivery, decoding the
 * signature and reading the digest back as bytes took about 260 ns of the 1.7 µs a check took.
 */
export function anyMatchHex(
  keys: readonly HmacKey[],
  parts: readonly (Uint8Array | string)[],
  candidates: readonly string[],
): boolean | Promise<boolean> {
  return matchKeys(keys, parts, candidates, true);
}

type Mac = Uint8Array | string;

/** A candidate against a MAC: as hex text when the MAC is text, else as bytes. */
function macEqual(candidate: Mac, mac: Mac): boolean {
  return typeof mac === 'string'
    ? timingSafeEqualHex(candidate as string, mac)
    : timingSafeEqualBytes(candidate as Uint8Array, mac);
}

function matchKeys(
  keys: readonly HmacKey[],
  parts: readonly (Uint8Array | string)[],
  candidates: readonly Mac[],
  hex: boolean,
): boolean | Promise<boolean> {
  // One key and one candidate is the common case (no rotation): nothing to allocate.
  if (keys.length === 1 && candidates.length === 1) {
    const key = keys[0] as HmacKey;
    const mac = hex ? key.signHex(parts) : key.sign(parts);
    const candidate = candidates[0] as Mac;
    return mac instanceof Promise
      ? mac.then((m: Mac) => macEqual(candidate, m))
      : macEqual(candidate, mac);
  }
  const macs = keys.map((key) => (hex ? key.signHex(parts) : key.sign(parts)));
  const compare = (signed: readonly Mac[]) => {
    let matched = false;
    for (const mac of signed) {
      for (const candidate of candidates) matched = macEqual(candidate, mac) || matched;
    }
    return matched;
  };
  return macs.some((mac) => mac instanceof Promise)
    ? Promise.all(macs).then(compare)
    : compare(macs as Mac[]);
}

/** Throws the generic 401 unless `matched` (or the promise of it) is true. */
export function expectMatch(matched: boolean | Promise<boolean>): void | Promise<void> {
  if (matched === true) return;
  if (matched === false) throw signatureInvalid();
  return matched.then((ok) => {
    if (!ok) throw signatureInvalid();
  });
}

/** Reads a required header, or throws naming it. */
export function requireHeader(
  header: (name: string) => string | null | undefined,
  name: string,
): string {
  const value = header(name);
  if (!value) throw signatureInvalid(`Missing ${name} header.`);
  return value;
}

/**
 * Checks a unix-seconds timestamp against `now` (ms): both stale and future ones beyond
 * `toleranceSeconds` are rejected, so a captured delivery cannot be replayed later.
 */
export function checkTimestamp(
  value: string | undefined,
  now: number,
  toleranceSeconds: number,
): void {
  if (!value || !/^\d{1,12}$/.test(value))
    throw signatureInvalid('The signature timestamp is malformed.');
  const skew = Math.abs(now / 1000 - Number(value));
  if (skew > toleranceSeconds)
    throw signatureInvalid('The signature timestamp is outside the tolerance.');
}

/** Validates a tolerance option. */
export function tolerance(value: unknown, fallback: number, option: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new RangeError(
      `${option} must be a positive integer number of seconds, received ${String(value)}`,
    );
  }
  return value;
}
