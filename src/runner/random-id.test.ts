import { describe, expect, it } from 'vitest';
import { randomId, writeIdBytes } from './random-id.js';
import { uuidText } from './uuid.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('randomId', () => {
  it('makes version 4 UUIDs, all different, across many refills of its pool', () => {
    const ids = Array.from({ length: 5000 }, () => randomId());
    for (const id of ids) expect(id).toMatch(UUID_V4);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('leaves every random digit free: each position takes all its possible values', () => {
    const ids = Array.from({ length: 4000 }, () => randomId());
    for (let position = 0; position < 36; position++) {
      const seen = new Set(ids.map((id) => id[position]));
      if ([8, 13, 18, 23].includes(position)) expect([...seen]).toEqual(['-']);
      else if (position === 14) expect([...seen]).toEqual(['4']);
      else if (position === 19) expect(seen.size).toBe(4);
      else expect(seen.size).toBe(16);
    }
  });
});

describe('writeIdBytes', () => {
  it('writes the bytes of the id made last, of earlier ids and of any UUID; refuses other ids', () => {
    const earlier = randomId();
    const last = randomId();
    const bytes = new Uint8Array(16 * 4);
    expect(writeIdBytes(last, bytes, 0)).toBe(true);
    expect(writeIdBytes(earlier, bytes, 16)).toBe(true);
    expect(writeIdBytes('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', bytes, 32)).toBe(true);
    expect([0, 16, 32].map((at) => uuidText(bytes, at))).toEqual([
      last,
      earlier,
      'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
    ]);
    expect(writeIdBytes('e-1', bytes, 48)).toBe(false);
    expect(writeIdBytes('', bytes, 48)).toBe(false);
    expect(writeIdBytes(last.toUpperCase(), bytes, 48)).toBe(false);
  });
});
