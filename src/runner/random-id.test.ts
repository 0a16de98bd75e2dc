import { describe, expect, it } from 'vitest';
import { randomId } from './random-id.js';

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
