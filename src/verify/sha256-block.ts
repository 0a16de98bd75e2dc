/**
 * The SHA-256 compression function (FIPS 180-4 §6.2.2) in plain JavaScript, for the one place
 * where a native call costs more than the hashing: HMAC-SHA-256's outer hash, which is a single
 * block once the key's outer block has been compressed ahead of time (its "midstate").
 *
 * Every operation is 32-bit arithmetic on the data, with no branch or table index that depends on
 * it: the running time does not depend on the key or the message.
 */

/** The round constants (FIPS 180-4 §4.2.2). */
// biome-ignore format: eight constants per line, as in the standard.
const K = Int32Array.of(
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
);

/** The initial hash value (FIPS 180-4 §5.3.3). */
// biome-ignore format: eight constants on one line, as in the standard.
const INITIAL = Int32Array.of(
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
);

/** The message schedule, shared: a compression runs to its end without yielding. */
const W = new Int32Array(64);

/** Compresses the block in `W[0..15]` (big-endian words) into `state`. */
function compress(state: Int32Array): void {
  for (let t = 16; t < 64; t++) {
    const w15 = W[t - 15] as number;
    const w2 = W[t - 2] as number;
    const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
    const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
    W[t] = ((W[t - 16] as number) + s0 + (W[t - 7] as number) + s1) | 0;
  }
  let a = state[0] as number;
  let b = state[1] as number;
  let c = state[2] as number;
  let d = state[3] as number;
  let e = state[4] as number;
  let f = state[5] as number;
  let g = state[6] as number;
  let h = state[7] as number;
  for (let t = 0; t < 64; t++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + S1 + ((e & f) ^ (~e & g)) + (K[t] as number) + (W[t] as number)) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  state[0] = ((state[0] as number) + a) | 0;
  state[1] = ((state[1] as number) + b) | 0;
  state[2] = ((state[2] as number) + c) | 0;
  state[3] = ((state[3] as number) + d) | 0;
  state[4] = ((state[4] as number) + e) | 0;
  state[5] = ((state[5] as number) + f) | 0;
  state[6] = ((state[6] as number) + g) | 0;
  state[7] = ((state[7] as number) + h) | 0;
}

/** Reads the first `words` big-endian words of `bytes` into `W`. */
function load(bytes: Uint8Array, words: number): void {
  for (let i = 0; i < words; i++) {
    const at = i * 4;
    W[i] =
      ((bytes[at] as number) << 24) |
      ((bytes[at + 1] as number) << 16) |
      ((bytes[at + 2] as number) << 8) |
      (bytes[at + 3] as number);
  }
}

/**
 * The state after compressing one 64-byte block from the initial value: what HMAC's outer hash
 * starts from for a given key (its `K ⊕ opad` block).
 */
export function sha256Midstate(block: Uint8Array): Int32Array {
  if (block.length !== 64) throw new RangeError('a SHA-256 block is 64 bytes');
  const state = Int32Array.from(INITIAL);
  load(block, 16);
  compress(state);
  return state;
}

/** The working state of {@link sha256AfterBlock}, shared for the same reason as `W`. */
const working = new Int32Array(8);

/**
 * SHA-256 of a 64-byte block (already compressed into `midstate`) followed by a 32-byte `tail`:
 * the last, padded block of a 96-byte message, as in HMAC-SHA-256's outer hash. The tail is bytes,
 * or a binary string of 32 characters (node:crypto's `'binary'` output, which spares a `Buffer`).
 *
 * @returns the 32-byte digest.
 */
export function sha256AfterBlock(midstate: Int32Array, tail: Uint8Array | string): Uint8Array {
  if (tail.length !== 32) throw new RangeError('the tail is a 32-byte digest');
  working.set(midstate);
  if (typeof tail === 'string') {
    for (let i = 0; i < 8; i++) {
      const at = i * 4;
      W[i] =
        (tail.charCodeAt(at) << 24) |
        (tail.charCodeAt(at + 1) << 16) |
        (tail.charCodeAt(at + 2) << 8) |
        tail.charCodeAt(at + 3);
    }
  } else {
    load(tail, 8);
  }
  // Padding (FIPS 180-4 §5.1.1): a 1 bit, zeros, and the message length in bits (96 bytes).
  W[8] = 0x80000000 | 0;
  W.fill(0, 9, 15);
  W[15] = 96 * 8;
  compress(working);
  const digest = new Uint8Array(32);
  for (let i = 0; i < 8; i++) {
    const word = working[i] as number;
    const at = i * 4;
    digest[at] = word >>> 24;
    digest[at + 1] = word >>> 16;
    digest[at + 2] = word >>> 8;
    digest[at + 3] = word;
  }
  return digest;
}
