const HEX = Uint8Array.from('0123456789abcdef', (digit) => digit.charCodeAt(0));
const DASH = 0x2d;

/** The value of each lower-case hex digit by its character code, -1 for any other code below 128. */
const HEX_VALUE = Int8Array.from({ length: 128 }, (_, code) => HEX.indexOf(code));

/** The hex digit of the high half of byte `index` of the UUID at `at`. */
function high(bytes: Uint8Array, at: number, index: number): number {
  return HEX[(bytes[at + index] as number) >> 4] as number;
}

/** The hex digit of the low half of byte `index` of the UUID at `at`. */
function low(bytes: Uint8Array, at: number, index: number): number {
  return HEX[(bytes[at + index] as number) & 15] as number;
}

/**
 * The UUID text (lower-case hex, 8-4-4-4-12) of the 16 bytes at `at` in `bytes`, written in one
 * piece: one string of 36 characters, not one concatenated from pieces.
 *
 * @internal
 */
export function uuidText(bytes: Uint8Array, at: number): string {
  // biome-ignore format: the 36 characters, grouped as the UUID is.
  return String.fromCharCode(
    high(bytes, at, 0), low(bytes, at, 0), high(bytes, at, 1), low(bytes, at, 1),
    high(bytes, at, 2), low(bytes, at, 2), high(bytes, at, 3), low(bytes, at, 3),
    DASH, high(bytes, at, 4), low(bytes, at, 4), high(bytes, at, 5), low(bytes, at, 5),
    DASH, high(bytes, at, 6), low(bytes, at, 6), high(bytes, at, 7), low(bytes, at, 7),
    DASH, high(bytes, at, 8), low(bytes, at, 8), high(bytes, at, 9), low(bytes, at, 9),
    DASH, high(bytes, at, 10), low(bytes, at, 10), high(bytes, at, 11), low(bytes, at, 11),
    high(bytes, at, 12), low(bytes, at, 12), high(bytes, at, 13), low(bytes, at, 13),
    high(bytes, at, 14), low(bytes, at, 14), high(bytes, at, 15), low(bytes, at, 15),
  );
}

/** The value of the hex digit at `index` of `text`, or -1. */
function hexAt(text: string, index: number): number {
  const code = text.charCodeAt(index);
  return code < 128 ? (HEX_VALUE[code] as number) : -1;
}

/**
 * Writes the 16 bytes of a UUID written as {@link uuidText} writes them (lower-case hex,
 * 8-4-4-4-12) at `at` in `bytes`, and says whether `text` was one: for any other text it returns
 * `false`, and what it wrote is to be ignored. Whenever it returns `true`, `uuidText` of the bytes
 * is `text` again.
 *
 * @internal
 */
export function writeUuidBytes(text: string, bytes: Uint8Array, at: number): boolean {
  if (
    text.length !== 36 ||
    text.charCodeAt(8) !== DASH ||
    text.charCodeAt(13) !== DASH ||
    text.charCodeAt(18) !== DASH ||
    text.charCodeAt(23) !== DASH
  ) {
    return false;
  }
  let index = 0;
  for (let byte = 0; byte < 16; byte++) {
    // The dashes sit before bytes 4, 6, 8 and 10.
    if (byte === 4 || byte === 6 || byte === 8 || byte === 10) index++;
    const hi = hexAt(text, index);
    const lo = hexAt(text, index + 1);
    if (hi < 0 || lo < 0) return false;
    bytes[at + byte] = (hi << 4) | lo;
    index += 2;
  }
  return true;
}
