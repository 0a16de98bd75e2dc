/** Random bytes drawn ahead, 16 per id: one `getRandomValues` call serves 256 ids. */
const pool = new Uint8Array(16 * 256);
let next = pool.length;

const HEX = Uint8Array.from('0123456789abcdef', (digit) => digit.charCodeAt(0));
const DASH = 0x2d;

/** The hex digit of the high half of byte `index` of the id drawn at `at`. */
function high(at: number, index: number): number {
  return HEX[(pool[at + index] as number) >> 4] as number;
}

/** The hex digit of the low half of byte `index` of the id drawn at `at`. */
function low(at: number, index: number): number {
  return HEX[(pool[at + index] as number) & 15] as number;
}

/**
 * A random (version 4) UUID, as `crypto.randomUUID()` makes one, from the same source of
 * randomness, but written in one piece: Node's `randomUUID()` returns a string concatenated from
 * twenty pieces (about 500 bytes until it is joined), and a delivery's id is kept in its record.
 *
 * @internal
 */
export function randomId(): string {
  if (next === pool.length) {
    crypto.getRandomValues(pool);
    next = 0;
  }
  const at = next;
  next += 16;
  // RFC 9562: version 4 in the high half of byte 6, variant 10 in the top bits of byte 8.
  pool[at + 6] = ((pool[at + 6] as number) & 0x0f) | 0x40;
  pool[at + 8] = ((pool[at + 8] as number) & 0x3f) | 0x80;
  // biome-ignore format: the 36 characters, grouped as the UUID is.
  return String.fromCharCode(
    high(at, 0), low(at, 0), high(at, 1), low(at, 1), high(at, 2), low(at, 2), high(at, 3), low(at, 3),
    DASH, high(at, 4), low(at, 4), high(at, 5), low(at, 5),
    DASH, high(at, 6), low(at, 6), high(at, 7), low(at, 7),
    DASH, high(at, 8), low(at, 8), high(at, 9), low(at, 9),
    DASH, high(at, 10), low(at, 10), high(at, 11), low(at, 11), high(at, 12), low(at, 12),
    high(at, 13), low(at, 13), high(at, 14), low(at, 14), high(at, 15), low(at, 15),
  );
}
