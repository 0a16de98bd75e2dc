import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { uuidText, writeUuidBytes } from './uuid.js';

describe('uuidText and writeUuidBytes', () => {
  it('write any 16 bytes as a lower-case UUID and read them back', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
        const text = uuidText(bytes, 0);
        expect(text).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
        expect(text).toBe(
          [...bytes]
            .map((byte) => byte.toString(16).padStart(2, '0'))
            .join('')
            .replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-'),
        );
        const back = new Uint8Array(32);
        expect(writeUuidBytes(text, back, 16)).toBe(true);
        expect(back.subarray(16)).toEqual(bytes);
      }),
    );
  });

  it.each([
    ['upper-case digits', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'],
    ['no dashes', 'a0eebc999c0b4ef8bb6d6bb9bd380a11'],
    ['a dash moved', 'a0eebc999-c0b-4ef8-bb6d-6bb9bd380a11'],
    ['a letter past f', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1g'],
    ['braces', '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1}'],
    ['one character short', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1'],
    ['a digit outside ASCII', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1١'],
  ])('refuses a text that is not one: %s', (_, text) => {
    expect(writeUuidBytes(text, new Uint8Array(16), 0)).toBe(false);
  });

  it('accepts exactly the texts it writes back the same', () => {
    const hexish = fc.constantFrom(...'0123456789abcdefABCDEF-g');
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uuid(),
          fc.array(hexish, { minLength: 36, maxLength: 36 }).map((chars) => chars.join('')),
          fc.string(),
        ),
        (text) => {
          const bytes = new Uint8Array(16);
          const written = writeUuidBytes(text, bytes, 0);
          expect(written).toBe(
            /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(text),
          );
          if (written) expect(uuidText(bytes, 0)).toBe(text);
        },
      ),
      { numRuns: 5000 },
    );
  });
});
