const encoder = new TextEncoder();

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

/** Encodes a string as UTF-8 bytes. */
export function toBytes(text: string): Uint8Array {
  return encoder.encode(text);
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
