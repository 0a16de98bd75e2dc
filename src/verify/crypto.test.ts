import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createHmacKey, type HmacAlgorithm, toHex } from './crypto.js';

const hex = async (
  algorithm: HmacAlgorithm,
  key: Uint8Array | string,
  parts: (string | Uint8Array)[],
) => toHex(await createHmacKey(algorithm, key).sign(parts));

describe('createHmacKey', () => {
  // RFC 4231 §4.3 (test case 2) and §4.7 (test case 6: a key longer than the block); RFC 2202 §3.
  it.each([
    [
      'sha256',
      'Jefe',
      'what do ya want for nothing?',
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    ],
    [
      'sha512',
      'Jefe',
      'what do ya want for nothing?',
      '164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737',
    ],
    ['sha1', 'Jefe', 'what do ya want for nothing?', 'effcdf6ae5eb2fa2d27416d5f184df9c259a7c79'],
    [
      'sha256',
      new Uint8Array(131).fill(0xaa),
      'Test Using Larger Than Block-Size Key - Hash Key First',
      '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
    ],
    [
      'sha512',
      new Uint8Array(131).fill(0xaa),
      'Test Using Larger Than Block-Size Key - Hash Key First',
      '80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598',
    ],
  ] as const)('%s with key #%# matches the RFC vector', async (algorithm, key, data, expected) => {
    expect(await hex(algorithm, key, [data])).toBe(expected);
  });

  it.each(['sha1', 'sha256', 'sha512'] as const)(
    '%s agrees with createHmac for keys and messages of every size class',
    async (algorithm) => {
      // Keys below, at and above the block size; messages empty, small, multi-part with non-ASCII
      // text, just under and over the size signed through the shared buffer.
      for (const keyLength of [1, 64, 65, 128, 129, 300]) {
        const key = randomBytes(keyLength);
        for (const parts of [
          [] as (string | Uint8Array)[],
          ['1700000000', '.', randomBytes(1000)],
          ['v0:', 'é€😀', randomBytes(17)],
          [randomBytes(64 * 1024 - 200)],
          [randomBytes(64 * 1024 + 1)],
          [randomBytes(300_000)],
        ]) {
          const mac = createHmac(algorithm, key);
          for (const part of parts) mac.update(part);
          expect(await hex(algorithm, key, parts)).toBe(mac.digest('hex'));
        }
      }
    },
  );

  it('keeps each key apart when signatures interleave', async () => {
    const a = createHmacKey('sha256', 'first secret');
    const b = createHmacKey('sha256', 'second secret');
    const first = toHex(await a.sign(['body']));
    expect(toHex(await b.sign(['body']))).toBe(
      createHmac('sha256', 'second secret').update('body').digest('hex'),
    );
    expect(toHex(await a.sign(['body']))).toBe(first);
  });
});
