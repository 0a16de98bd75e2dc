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
    method: upperCase(request.method),
    url: request.url,
    header: (name) => request.headers.get(name),
    headers: () => Object.fromEntries(request.headers),
    body: () => request.body,
  };
}

/** The parts of a Node socket hookflow reads. */
export interface NodeSocketLike {
  /** The peer's address: the client, or the last proxy. */
  remoteAddress?: string | undefined;
  /** `true` on TLS sockets (the URL is then `https:`). */
  encrypted?: boolean;
}

/** The parts of a Node `IncomingMessage` the pipeline reads (so Node types stay type-only). */
export interface NodeRequestLike extends AsyncIterable<Uint8Array> {
  /** The method, as Node parsed it. */
  method?: string | undefined;
  /** The request target (path and query). */
  url?: string | undefined;
  /** Headers with lower-case names; repeated ones as arrays. */
  headers: Record<string, string | string[] | undefined>;
  /** The socket: its peer address, and whether it is TLS. */
  socket?: NodeSocketLike | undefined;
}

/**
 * Adapts a Node request without building a Web `Request`: headers are read from Node's object on
 * demand and the body is read straight from the request stream.
 */
export function fromNodeRequest(req: NodeRequestLike, path = req.url ?? '/'): Incoming {
  return new NodeIncoming(req, path);
}

/** The method in upper case: as it is when it already is, as Node's parser always gives it. */
function upperCase(method: string): string {
  for (let i = 0; i < method.length; i++) {
    const code = method.charCodeAt(i);
    if (code >= 0x61 && code <= 0x7a) return method.toUpperCase();
  }
  return method;
}

/** {@link Incoming} over a Node request: one object per request, its methods shared. */
class NodeIncoming implements Incoming {
  readonly method: string;
  readonly url: string;
  readonly #req: NodeRequestLike;
  // Node's `headers` is a getter (the object is built on first read): read once.
  readonly #headers: NodeRequestLike['headers'];

  constructor(req: NodeRequestLike, path: string) {
    this.#req = req;
    this.#headers = req.headers;
    this.method = upperCase(req.method ?? 'GET');
    const scheme = req.socket?.encrypted ? 'https' : 'http';
    this.url = `${scheme}://${this.header('host') ?? 'localhost'}${path}`;
  }

  // An arrow property: verifiers are handed `header` on its own, detached from this object.
  readonly header = (name: string): string | undefined => {
    const value = this.#headers[name];
    return Array.isArray(value) ? value.join(', ') : value;
  };

  headers(): Record<string, string> {
    // A spread copies Node's object by cloning its shape, several times faster than setting each
    // name on a new object; the rare values that are not strings are mended afterwards.
    const out = { ...this.#headers };
    for (const name in out) {
      const value = out[name];
      // `in` also walks inherited names: only own values are the request's.
      if (typeof value === 'string' || !Object.hasOwn(out, name)) continue;
      if (value === undefined) delete out[name];
      else if (Array.isArray(value)) out[name] = value.join(', ');
    }
    return out as Record<string, string>;
  }

  body(): NodeRequestLike {
    return this.#req;
  }
}
