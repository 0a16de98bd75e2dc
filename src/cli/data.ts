import { readFile } from 'node:fs/promises';
import { type CliIo, readBytes, UsageError } from './io.js';

const encoder = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads the body named by `--data`: `@-` standard input, `@<file>` a file, anything else the text
 * itself, as UTF-8. The bytes are returned as read, never re-serialised, so a signature over them is
 * a signature over what is sent.
 *
 * @param value - the `--data` value, or `undefined` when it was not given.
 * @param io - where standard input comes from.
 * @param missing - what an absent `--data` means: standard input (`sign`) or no body (`send`).
 * @returns the bytes.
 * @throws UsageError when the file cannot be read.
 */
export async function readData(
  value: string | undefined,
  io: CliIo,
  missing: 'stdin' | 'empty',
): Promise<Uint8Array> {
  if (value === undefined) return missing === 'stdin' ? readBytes(io.stdin) : new Uint8Array(0);
  if (value === '@-') return readBytes(io.stdin);
  if (!value.startsWith('@')) return encoder.encode(value);
  try {
    return new Uint8Array(await readFile(value.slice(1)));
  } catch (error) {
    throw new UsageError(`cannot read --data ${value}: ${(error as Error).message}`);
  }
}

/** Tells whether bytes are one well-formed JSON value in UTF-8. */
export function isJsonBytes(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return false;
  try {
    JSON.parse(strictUtf8.decode(bytes));
    return true;
  } catch {
    return false;
  }
}
