import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  expectText,
  matchesAnyText,
  timingSafeEqualHex,
  timingSafeEqualText,
} from './constant-time.js';

describe('timingSafeEqualText', () => {
  it('tells equal texts from every near miss', () => {
    const expected = expectText('Basic YmVuY2g6Y29ycmVjdCBob3JzZQ==');
    expect(timingSafeEqualText('Basic YmVuY2g6Y29ycmVjdCBob3JzZQ==', expected)).toBe(true);
    // Shorter, longer by one byte, by many, a difference in the first and in the last byte.
    expect(timingSafeEqualText('Basic YmVuY2g6Y29ycmVjdCBob3JzZQ=', expected)).toBe(false);
    expect(timingSafeEqualText('Basic YmVuY2g6Y29ycmVjdCBob3JzZQ==x', expected)).toBe(false);
    expect(
      timingSafeEqualText(`Basic YmVuY2g6Y29ycmVjdCBob3JzZQ==${'x'.repeat(5000)}`, expected),
    ).toBe(false);
    expect(timingSafeEqualText('basic YmVuY2g6Y29ycmVjdCBob3JzZQ==', expected)).toBe(false);
    expect(timingSafeEqualText('Basic YmVuY2g6Y29ycmVjdCBob3JzZQ=!', expected)).toBe(false);
    expect(timingSafeEqualText('', expected)).toBe(false);
  });

  it('is not fooled by the bytes a longer text left behind', () => {
    // Five bytes: the second word holds one byte of the text and three of padding.
    const expected = expectText('abcde');
    expect(timingSafeEqualText('abcdeXYZ', expected)).toBe(false);
    expect(timingSafeEqualText('abcde', expected)).toBe(true);
    expect(timingSafeEqualText('abcdeXYZ', expected)).toBe(false);
    expect(timingSafeEqualText('abcd', expected)).toBe(false);
    expect(timingSafeEqualText('abcde', expected)).toBe(true);
  });

  it('compares texts beyond ASCII by their UTF-8 bytes', () => {
    const expected = expectText('pässwörd ✓ 🔑');
    expect(timingSafeEqualText('pässwörd ✓ 🔑', expected)).toBe(true);
    expect(timingSafeEqualText('passwörd ✓ 🔑', expected)).toBe(false);
    // A character of several bytes that no longer fits in the room left for the text.
    expect(timingSafeEqualText('pässwörd ✓ 🔑🔑', expected)).toBe(false);
    expect(timingSafeEqualText('pässwörd ✓ 🔑é', expected)).toBe(false);
    // Latin-1 characters, as Node gives header bytes above 0x7f, are not their UTF-8 bytes.
    expect(timingSafeEqualText('p\u00c3\u00a4sswörd ✓ 🔑', expected)).toBe(false);
  });

  it('takes an empty expected text', () => {
    const expected = expectText('');
    expect(timingSafeEqualText('', expected)).toBe(true);
    expect(timingSafeEqualText('a', expected)).toBe(false);
  });

  it('agrees with === on any two texts', () => {
    // Texts of printable ASCII and other characters (no lone surrogates: UTF-8 has no form for
    // them, and HTTP headers never carry them).
    const text = fc.string({ unit: 'grapheme', maxLength: 40 });
    fc.assert(
      fc.property(text, text, fc.array(text, { maxLength: 3 }), (a, b, earlier) => {
        const expected = expectText(b);
        // Whatever was compared with the same expected text before.
        for (const other of earlier) timingSafeEqualText(other, expected);
        expect(timingSafeEqualText(a, expected)).toBe(a === b);
        expect(timingSafeEqualText(b, expected)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('matchesAnyText', () => {
  it('matches any of several candidates, and none when all differ', () => {
    const candidates = ['old-secret', 'new-secret'].map(expectText);
    expect(matchesAnyText('old-secret', candidates)).toBe(true);
    expect(matchesAnyText('new-secret', candidates)).toBe(true);
    expect(matchesAnyText('secret', candidates)).toBe(false);
    expect(matchesAnyText('', [])).toBe(false);
  });
});

describe('timingSafeEqualHex', () => {
  const hexOf = (bytes: Uint8Array) =>
    [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('');

  it('matches the same hex in either case, and nothing else', () => {
    const anyText = fc.oneof(
      fc.string(),
      fc.string({
        unit: fc.constantFrom(...'0123456789abcdefABCDEFgG \u0010\u0030'),
        maxLength: 70,
      }),
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 32 }), anyText, fc.boolean(), (bytes, text, same) => {
        const expected = hexOf(bytes);
        // Half the time, the expected hex itself with some letters in upper case.
        const actual = same
          ? [...expected].map((c, i) => (text.charCodeAt(i) & 1 ? c.toUpperCase() : c)).join('')
          : text;
        expect(timingSafeEqualHex(actual, expected)).toBe(actual.toLowerCase() === expected);
      }),
      { numRuns: 5000 },
    );
  });

  it('tells a near miss: one digit off, one short, one over, a non-hex character', () => {
    const expected = 'a1b2c3d4e5f60718';
    expect(timingSafeEqualHex('A1B2C3D4E5F60718', expected)).toBe(true);
    expect(timingSafeEqualHex('a1b2c3d4e5f60719', expected)).toBe(false);
    expect(timingSafeEqualHex('a1b2c3d4e5f6071', expected)).toBe(false);
    expect(timingSafeEqualHex('a1b2c3d4e5f607180', expected)).toBe(false);
    expect(timingSafeEqualHex('a1b2c3d4e5f6071\u0018', expected)).toBe(false);
    expect(timingSafeEqualHex('a1b2c3d4e5f6071G', expected)).toBe(false);
  });
});
