import { uuidText, writeUuidBytes } from './uuid.js';

/** Random bytes drawn ahead, 16 per id: one `getRandomValues` call serves 256 ids. */
const pool = new Uint8Array(16 * 256);
let next = pool.length;
/** The id made last, and where its bytes are in the pool. */
let lastId: string | undefined;
let lastAt = 0;

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
  lastId = uuidText(pool, at);
  lastAt = at;
  return lastId;
}

/**
 * Writes the 16 bytes of a UUID at `at` in `bytes`, as {@link writeUuidBytes} does, and says
 * whether `id` was one; for the id {@link randomId} made last (a delivery's first save comes right
 * after its id is made), the bytes are copied instead of read from the text.
 *
 * @internal
 */
export function writeIdBytes(id: string, bytes: Uint8Array, at: number): boolean {
  if (id !== lastId) return writeUuidBytes(id, bytes, at);
  for (let i = 0; i < 16; i++) bytes[at + i] = pool[lastAt + i] as number;
  return true;
}
