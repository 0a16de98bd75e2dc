import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256AfterBlock, sha256Midstate } from './sha256-block.js';

const digest = (block: Uint8Array, tail: Uint8Array | string) =>
  Buffer.from(sha256AfterBlock(sha256Midstate(block), tail)).toString('hex');

describe('sha256AfterBlock', () => {
  it('hashes a 96-byte message of zeros, of 0xff and of one repeated letter as node:crypto does', () => {
    for (const fill of [0x00, 0xff, 0x61]) {
      const message = new Uint8Array(96).fill(fill);
      expect(digest(message.subarray(0, 64), message.subarray(64))).toBe(
        createHash('sha256').update(message).digest('hex'),
      );
    }
  });

  it('agrees with node:crypto on 2000 random blocks and tails', () => {
    for (let i = 0; i < 2000; i++) {
      const block = randomBytes(64);
      const tail = randomBytes(32);
      expect(digest(block, tail)).toBe(
        createHash('sha256').update(block).update(tail).digest('hex'),
      );
    }
  });

  it('takes the tail as a binary string too, as node:crypto gives a digest', () => {
    for (let i = 0; i < 500; i++) {
      const block = randomBytes(64);
      const tail = createHash('sha256').update(randomBytes(40)).digest();
      expect(digest(block, tail.toString('binary'))).toBe(
        createHash('sha256').update(block).update(tail).digest('hex'),
      );
    }
    expect(() => sha256AfterBlock(sha256Midstate(new Uint8Array(64)), 'x'.repeat(31))).toThrow(
      RangeError,
    );
  });

  it('starts each digest from the midstate it is given, not from the last one used', () => {
    const first = sha256Midstate(new Uint8Array(64).fill(1));
    const second = sha256Midstate(new Uint8Array(64).fill(2));
    const tail = randomBytes(32);
    const before = Buffer.from(sha256AfterBlock(first, tail)).toString('hex');
    sha256AfterBlock(second, tail);
    expect(Buffer.from(sha256AfterBlock(first, tail)).toString('hex')).toBe(before);
  });

  it('refuses a block or a tail of the wrong size', () => {
    expect(() => sha256Midstate(new Uint8Array(63))).toThrow(RangeError);
    expect(() => sha256AfterBlock(sha256Midstate(new Uint8Array(64)), new Uint8Array(31))).toThrow(
      RangeError,
    );
  });
});
