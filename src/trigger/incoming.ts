/** What the pipeline needs of a request, whatever runtime object it came from. */
export interface Incoming {
  /** Upper-case method. */
  readonly method: string;
  /** The full URL. */
  readonly url: string;
  /** One header by lower-case name. */
  header(name: string): string | null | undefined;
  /** Every header, lower-case names, repeated values joined with ", ". */
  headers(): Record<string, string>;
  /** The body stream, read once. */
  body(): ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | null;
}

/** Adapts a Web `Request`. */
export function fromRequest(request: Request): Incoming {
  return {
    method: request.method.toUpperCase(),
    url: request.url,
    header: (name) => request.headers.get(name),
    headers: () => Object.fromEntries(request.headers),
    body: () => request.body,
  };
}
