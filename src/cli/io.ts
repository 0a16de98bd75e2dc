/** Where a command reads and writes; the real process in `bin.ts`, buffers in tests. */
export interface CliIo {
  /** Standard input, read only by commands given `-`. */
  stdin: AsyncIterable<Uint8Array | string>;
  /** Standard output. */
  stdout: { write(text: string): unknown };
  /** Standard error: one-line messages. */
  stderr: { write(text: string): unknown };
}

/** A usage mistake (exit 2): the message says what was wrong and which help to read. */
export class UsageError extends Error {
  override name = 'UsageError';
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
