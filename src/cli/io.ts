import { concatBytes } from '../parse/body.js';

/** Where a command reads and writes; the real process in `bin.ts`, buffers in tests. */
export interface CliIo {
  /** Standard input: read by `paths --json -`, by `--data @-`, and by `sign` without `--data`. */
  stdin: AsyncIterable<Uint8Array | string>;
  /** Standard output. */
  stdout: { write(text: string): unknown };
  /** Standard error: one-line messages. */
  stderr: { write(text: string): unknown };
  /**
   * Calls `listener` once when the process is asked to stop (`listen` stops on it); without it,
   * `listen` stops only after `--count` requests.
   */
  once?(signal: StopSignal, listener: () => void): unknown;
  /** Removes a listener added with `once`. */
  off?(signal: StopSignal, listener: () => void): unknown;
}

/** The signals that stop a long-running command. */
export type StopSignal = 'SIGINT' | 'SIGTERM';

/** A usage mistake (exit 2): the message says what was wrong and which help to read. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Reads a whole stream as bytes, exactly as they arrive. */
export async function readBytes(stream: AsyncIterable<Uint8Array | string>): Promise<Uint8Array> {
  const encoder = new TextEncoder();
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) {
    chunks.push(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
  }
  return chunks.length === 0 ? new Uint8Array(0) : concatBytes(chunks);
}

/** Reads a whole stream as UTF-8 text. */
export async function readText(stream: AsyncIterable<Uint8Array | string>): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  for await (const chunk of stream) {
    text += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
  }
  return text + decoder.decode();
}
