/**
 * Compares two byte strings in time that depends only on the length of `expected`, never on where
 * they first differ.
 */
export function timingSafeEqualBytes(actual: Uint8Array, expected: Uint8Array): boolean {
  let diff = actual.length ^ expected.length;
  for (let i = 0; i < expected.length; i++) {
    diff |= (actual[i] ?? 0) ^ (expected[i] as number);
  }
  return diff === 0;
}

/**
 * Compares two strings in time that depends only on the length of `expected`: code unit by code
 * unit, which is equality of their UTF-8 bytes without encoding either (credentials from headers
 * and config are strings already).
 */
export function timingSafeEqualText(actual: string, expected: string): boolean {
  let diff = actual.length ^ expected.length;
  for (let i = 0; i < expected.length; i++) {
    // Past the end of `actual`, charCodeAt gives NaN, and NaN ^ n is n: still a difference.
    diff |= actual.charCodeAt(i) ^ expected.charCodeAt(i);
  }
  return diff === 0;
}

/** {@link matchesAny} for strings: every candidate is compared, in constant time each. */
export function matchesAnyText(actual: string, candidates: readonly string[]): boolean {
  let matched = false;
  for (const candidate of candidates) matched = timingSafeEqualText(actual, candidate) || matched;
  return matched;
}

/**
 * Checks `actual` against every candidate (secret rotation) without stopping at the first match, so
 * the time taken does not tell which candidate matched.
 */
export function matchesAny(actual: Uint8Array, candidates: readonly Uint8Array[]): boolean {
  let matched = false;
  for (const candidate of candidates) matched = timingSafeEqualBytes(actual, candidate) || matched;
  return matched;
}
