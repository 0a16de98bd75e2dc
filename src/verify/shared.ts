import { timingSafeEqualBytes } from './constant-time.js';
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
  // One key and one candidate is the common case (no rotation): nothing to allocate.
  if (keys.length === 1 && candidates.length === 1) {
    const mac = (keys[0] as HmacKey).sign(parts);
    const candidate = candidates[0] as Uint8Array;
    return mac instanceof Promise
      ? mac.then((m) => timingSafeEqualBytes(candidate, m))
      : timingSafeEqualBytes(candidate, mac);
  }
  const macs = keys.map((key) => key.sign(parts));
  const compare = (signed: readonly Uint8Array[]) => {
    let matched = false;
    for (const mac of signed) {
      for (const candidate of candidates) matched = timingSafeEqualBytes(candidate, mac) || matched;
    }
    return matched;
  };
  return macs.some((mac) => mac instanceof Promise)
    ? Promise.all(macs).then(compare)
    : compare(macs as Uint8Array[]);
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
