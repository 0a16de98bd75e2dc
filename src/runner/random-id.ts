import { uuidText } from './uuid.js';

/** Random bytes drawn ahead, 16 per id: one `getRandomValues` call serves 256 ids. */
const pool = new Uint8Array(16 * 256);
let next = pool.length;

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
  return uuidText(pool, at);
}
