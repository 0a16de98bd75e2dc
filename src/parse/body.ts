import { WebhookTriggerError } from '../response/errors.js';

function tooLarge(maxBodyBytes: number): WebhookTriggerError {
  return new WebhookTriggerError(
    'PAYLOAD_TOO_LARGE',
    `The request body is larger than ${maxBodyBytes} bytes.`,
  );
}

/**
 * Checks a declared `Content-Length` against the limit before anything is read.
 *
 * @throws {@link WebhookTriggerError} `PAYLOAD_TOO_LARGE` when the declared length is over the limit.
 */
export function checkContentLength(contentLength: string | null | undefined, maxBodyBytes: number) {
  if (!contentLength) return;
  // Digits only (anything else is left to the reading, which counts the bytes that come). Past
  // 2^53 the sum is no longer exact, but it is then far over any limit.
  let length = 0;
  for (let i = 0; i < contentLength.length; i++) {
    const digit = contentLength.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return;
    length = length * 10 + digit;
  }
  if (length > maxBodyBytes) throw tooLarge(maxBodyBytes);
}

/** A Node readable stream, read through its events (much cheaper than its async iterator). */
interface EventStream {
  on(event: 'data', listener: (chunk: Uint8Array) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
  on(event: 'error', listener: (error: unknown) => void): unknown;
  removeAllListeners(event: 'data' | 'end' | 'error'): unknown;
  pause(): unknown;
  destroy(): unknown;
}

function isEventStream(source: unknown): source is EventStream {
  const s = source as Partial<EventStream>;
  return (
    typeof s.on === 'function' && typeof s.pause === 'function' && typeof s.destroy === 'function'
  );
}

/**
 * Past the limit the body is no longer kept, but up to this many more bytes are still read and
 * dropped, so that a client still uploading can finish and read the 413 instead of seeing its
 * connection reset; a body larger than that is cut off by destroying the stream.
 */
const DRAIN_BYTES = 1024 * 1024;

/** Why a body could not be read, as the error a trigger answers with. */
function unreadable(error: unknown): WebhookTriggerError {
  return error instanceof WebhookTriggerError
    ? error
    : new WebhookTriggerError('INVALID_BODY', 'The request body could not be read.', {
        cause: error,
      });
}

/**
 * Reads a Node stream through its events (Node requests come here on every delivery, and the
 * events cost a fraction of the async iterator): `next` gets the body, or `fail` why it could not
 * be read; once, whatever else the stream emits. What either throws or rejects with goes to
 * `report`. One object per body, its three listeners its only closures: a delivery allocates
 * little, and what it allocates is what the young-generation collections are paid for.
 */
class EventsRead<T> {
  // Most bodies come in one chunk: an array only from the second on.
  #first: Uint8Array | undefined;
  #more: Uint8Array[] | undefined;
  #total = 0;
  #drained = -1;
  #settled = false;
  readonly #source: EventStream;
  readonly #maxBodyBytes: number;
  readonly #next: (bytes: Uint8Array) => T | Promise<T>;
  readonly #fail: (error: unknown) => T | Promise<T>;
  readonly #report: (error: unknown) => void;

  constructor(
    source: EventStream,
    maxBodyBytes: number,
    next: (bytes: Uint8Array) => T | Promise<T>,
    fail: (error: unknown) => T | Promise<T>,
    report: (error: unknown) => void,
  ) {
    this.#source = source;
    this.#maxBodyBytes = maxBodyBytes;
    this.#next = next;
    this.#fail = fail;
    this.#report = report;
    try {
      source.on('data', this.#onData);
      // Nothing comes after the end: the listeners go with the request (removing costs per request).
      source.on('end', this.#onEnd);
      source.on('error', this.#onError);
    } catch (error) {
      // The stream refused a listener: nothing is read.
      this.fail(unreadable(error));
    }
  }

  readonly #onData = (chunk: Uint8Array) => {
    if (this.#drained >= 0) {
      this.#drained += chunk.byteLength;
      if (this.#drained > DRAIN_BYTES) {
        this.#stop();
        this.#source.destroy();
      }
      return;
    }
    this.#total += chunk.byteLength;
    if (this.#total > this.#maxBodyBytes) {
      // Answer now (the 413 is written while the rest drains); keep nothing more.
      this.#drained = 0;
      this.#first = this.#more = undefined;
      this.fail(tooLarge(this.#maxBodyBytes));
      return;
    }
    if (this.#first === undefined) this.#first = chunk;
    else if (this.#more) this.#more.push(chunk);
    else this.#more = [this.#first, chunk];
  };

  readonly #onEnd = () => {
    if (this.#settled) return;
    this.#settled = true;
    const bytes = this.#more ? concatBytes(this.#more) : (this.#first ?? new Uint8Array(0));
    this.#settle(this.#next, bytes);
  };

  readonly #onError = (error: unknown) => {
    this.#stop();
    this.fail(unreadable(error ?? new Error('stream error')));
  };

  /** Hands `error` to `fail`, unless the read already settled. */
  fail(error: WebhookTriggerError) {
    if (this.#settled) return;
    this.#settled = true;
    this.#settle(this.#fail, error);
  }

  #stop() {
    this.#source.removeAllListeners('data');
    this.#source.removeAllListeners('end');
  }

  #settle<A>(step: (value: A) => T | Promise<T>, value: A) {
    try {
      const result = step(value);
      if (result instanceof Promise) result.then(undefined, this.#report);
    } catch (error) {
      this.#report(error);
    }
  }
}

/**
 * Reads a body stream into one buffer, stopping (and cancelling the stream) as soon as it passes
 * `maxBodyBytes`, whatever `Content-Length` claimed, and hands the bytes to `next`, or why they
 * could not be read to `fail`: `PAYLOAD_TOO_LARGE` past the limit, `INVALID_BODY` when the stream
 * fails (for example, the client went away). Settles with what `next` or `fail` returns or throws.
 * From a Node stream `next` runs in the stream's `end` event: no promise of the bytes to resolve
 * (resolving with a typed array looks up its `then` through four prototypes), nor a microtask
 * between the read and what follows.
 */
export function readBodyThen<T>(
  source: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | null | undefined,
  maxBodyBytes: number,
  next: (bytes: Uint8Array) => T | Promise<T>,
  fail: (error: unknown) => T | Promise<T>,
): Promise<T> {
  if (!source) return Promise.resolve(new Uint8Array(0)).then(next);
  if ('getReader' in source || !isEventStream(source)) {
    return readIterable(source, maxBodyBytes).then(next, fail);
  }
  return new Promise<T>((resolve, reject) => {
    new EventsRead(
      source,
      maxBodyBytes,
      (bytes) => resolve(next(bytes)),
      (error) => resolve(fail(error)),
      reject,
    );
  });
}

/**
 * {@link readBodyThen} without a promise, for a caller with nowhere to hand one (a `node:http`
 * listener): from a Node stream, `next` or `fail` runs in the stream's event, and what it throws
 * or rejects with goes to `report`. Returns `false`, reading nothing, for any other source.
 */
export function readNodeBodyThen<T>(
  source: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | null | undefined,
  maxBodyBytes: number,
  next: (bytes: Uint8Array) => T | Promise<T>,
  fail: (error: unknown) => T | Promise<T>,
  report: (error: unknown) => void,
): boolean {
  if (!source || 'getReader' in source || !isEventStream(source)) return false;
  new EventsRead(source, maxBodyBytes, next, fail, report);
  return true;
}

/** {@link readBodyThen}'s reading, for Web streams and other async iterables. */
async function readIterable(
  source: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
  maxBodyBytes: number,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const take = (chunk: Uint8Array) => {
    total += chunk.byteLength;
    if (total > maxBodyBytes) throw tooLarge(maxBodyBytes);
    chunks.push(chunk);
  };
  try {
    if ('getReader' in source) {
      // Readers work on every runtime; async iteration of Web streams does not (yet) everywhere.
      const reader = source.getReader();
      try {
        for (let next = await reader.read(); !next.done; next = await reader.read())
          take(next.value);
      } catch (error) {
        // Cancelling stops the sender's data from being pulled past the limit.
        await reader.cancel(error).catch(() => {});
        throw error;
      }
    } else {
      // Leaving the loop early returns the iterator, which stops the source.
      for await (const chunk of source) take(chunk);
    }
  } catch (error) {
    throw unreadable(error);
  }
  return concatBytes(chunks);
}

/** Joins byte chunks into one buffer (the chunk itself when there is only one). */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array;
  let length = 0;
  for (const part of parts) length += part.byteLength;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}
