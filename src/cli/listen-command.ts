import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import {
  decodeBody,
  parseMediaType,
  parseUrlQuery,
  pathsFromJson,
  pathsFromUrl,
  toBodyKind,
} from '../parse/index.js';
import { type CliIo, UsageError } from './io.js';

/** The text of `hookflow listen --help`. */
export const LISTEN_HELP = `Usage: hookflow listen [options]

Starts a capture server on 127.0.0.1 and prints every request it receives: method,
path, headers, query, body, and the variable paths a trigger can read from them
(query.… and body.…, as request.query and request.body fields take them after the
first dot). Point a real sender at it to see what to configure. Every request is
answered 200 "ok".

Options:
  --port <n>         the port (default 4000; 0 picks a free one)
  --json             one JSON object per request per line, for scripts; the
                     "listening on" line then goes to standard error
  --count <n>        exit after <n> requests
  --once             exit after one request (--count 1)
  -h, --help         show this help

The first line is "listening on http://127.0.0.1:<port>". The server stops with
exit code 0 on Ctrl-C (SIGINT) or SIGTERM, or after --count requests.

Examples:
  hookflow listen
  hookflow listen --port 0 --json --once > request.json

Exit codes: 0 stopped, 1 the port cannot be used, 2 bad usage.
`;

/** One captured request, as `--json` prints it. */
interface Capture {
  method: string;
  /** The path and query as received. */
  url: string;
  path: string;
  /** Lower-case names; repeated headers joined with `, `, as `ctx.headers`. */
  headers: Record<string, string>;
  /** As `ctx.query`. */
  query: Record<string, unknown>;
  /** As `ctx.body`: JSON, form and text bodies decoded; absent otherwise. */
  body?: unknown;
  /** Why a body of a decodable type could not be decoded. */
  bodyError?: string;
  /** The body bytes as UTF-8 text. */
  rawBody: string;
  /** `query.<path>` and `body.<path>` for every variable path. */
  paths: string[];
}

const utf8 = new TextDecoder();

function resolveCount(values: { count?: string | undefined; once?: boolean | undefined }) {
  if (values.once && values.count !== undefined) {
    throw new UsageError('give --once or --count <n>, not both');
  }
  if (values.once) return 1;
  if (values.count === undefined) return Number.POSITIVE_INFINITY;
  if (!/^[1-9]\d{0,8}$/.test(values.count)) {
    throw new UsageError(`--count must be a positive whole number, received "${values.count}"`);
  }
  return Number(values.count);
}

function resolvePort(value: string | undefined): number {
  if (value === undefined) return 4000;
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65_535) {
    throw new UsageError(`--port must be a whole number from 0 to 65535, received "${value}"`);
  }
  return Number(value);
}

function headersOf(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  const raw = request.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    const value = raw[i + 1] as string;
    headers[name] = Object.hasOwn(headers, name) ? `${headers[name]}, ${value}` : value;
  }
  return headers;
}

/** Prefixes each path with its part, so that the rest is what `request.<part>` takes. */
function partPaths(part: 'query' | 'body', example: unknown): string[] {
  return (part === 'query' ? pathsFromUrl(example as string) : pathsFromJson(example)).map(
    (entry) => `${part}.${entry.path}`,
  );
}

function captureOf(request: IncomingMessage, bytes: Uint8Array): Capture {
  const url = request.url ?? '/';
  const headers = headersOf(request);
  let body: unknown;
  let bodyError: string | undefined;
  try {
    body = decodeBody(bytes, parseMediaType(headers['content-type']));
  } catch (error) {
    bodyError = (error as Error).message;
  }
  const paths = partPaths('query', url);
  if (body !== null && typeof body === 'object') paths.push(...partPaths('body', body));
  return {
    method: request.method ?? 'GET',
    url,
    path: url.split('?', 1)[0] ?? url,
    headers,
    query: parseUrlQuery(url),
    ...(body === undefined ? {} : { body }),
    ...(bodyError === undefined ? {} : { bodyError }),
    rawBody: utf8.decode(bytes),
    paths,
  };
}

function indent(text: string, by = '    '): string {
  return text.replace(/^(?=.)/gm, by);
}

/** The readable block printed for one request. */
function formatCapture(index: number, capture: Capture, byteLength: number): string {
  const lines = [`#${index} ${capture.method} ${capture.url}`, '  headers'];
  for (const [name, value] of Object.entries(capture.headers)) lines.push(`    ${name}: ${value}`);
  if (Object.keys(capture.query).length === 0) lines.push('  query: none');
  else lines.push('  query', indent(JSON.stringify(capture.query, null, 2)));
  const contentType = capture.headers['content-type'] ?? 'no content-type';
  const size = `${byteLength} byte${byteLength === 1 ? '' : 's'}`;
  if (byteLength === 0) {
    lines.push('  body: empty');
  } else if (capture.bodyError !== undefined) {
    lines.push(`  body (${contentType}, ${size}): not decoded: ${capture.bodyError}`);
    lines.push(indent(capture.rawBody));
  } else if (capture.body === undefined) {
    const kind = toBodyKind(parseMediaType(capture.headers['content-type']).essence);
    lines.push(`  body (${contentType}, ${size}): not decoded by a trigger (${kind})`);
    lines.push(indent(capture.rawBody));
  } else if (typeof capture.body === 'string') {
    lines.push(`  body (${contentType}, ${size})`, indent(capture.body));
  } else {
    lines.push(`  body (${contentType}, ${size})`, indent(JSON.stringify(capture.body, null, 2)));
  }
  if (capture.paths.length === 0) lines.push('  paths: none');
  else lines.push('  paths', ...capture.paths.map((path) => `    ${path}`));
  return `${lines.join('\n')}\n\n`;
}

async function listenOn(server: Server, port: number): Promise<number> {
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new Error(
      code === 'EADDRINUSE'
        ? `port ${port} on 127.0.0.1 is in use: pick another --port, or 0 for a free one`
        : `cannot listen on 127.0.0.1:${port}: ${(error as Error).message}`,
    );
  }
  return (server.address() as AddressInfo).port;
}

/** `hookflow listen`: a capture server that prints every request and its variable paths. */
export async function runListen(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      json: { type: 'boolean' },
      count: { type: 'string' },
      once: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    io.stdout.write(LISTEN_HELP);
    return 0;
  }
  const port = resolvePort(values.port);
  const limit = resolveCount(values);
  const asJson = values.json === true;

  const server = createServer();
  let stopping = false;
  let finish: (code: number) => void = () => {};
  const finished = new Promise<number>((resolve) => {
    finish = resolve;
  });
  const stop = () => {
    if (stopping) return;
    stopping = true;
    io.off?.('SIGINT', stop);
    io.off?.('SIGTERM', stop);
    // Before the server listens, the code after listenOn closes it.
    if (!server.listening) return;
    server.close(() => finish(0));
    server.closeAllConnections();
  };
  // Subscribed before anything is printed, so that a signal sent on seeing the first line is never
  // handled by the default action (which would end the process with a non-zero code).
  io.once?.('SIGINT', stop);
  io.once?.('SIGTERM', stop);
  let actual: number;
  try {
    actual = await listenOn(server, port);
  } catch (error) {
    stop();
    throw error;
  }
  if (stopping) {
    await new Promise((resolve) => server.close(resolve));
    return 0;
  }
  (asJson ? io.stderr : io.stdout).write(`listening on http://127.0.0.1:${actual}\n`);

  let captured = 0;
  server.on('request', (request, response) => {
    const chunks: Uint8Array[] = [];
    request.on('data', (chunk: Uint8Array) => chunks.push(chunk));
    request.on('end', () => {
      if (stopping || captured >= limit) {
        response.writeHead(503, { connection: 'close' }).end();
        return;
      }
      captured += 1;
      const bytes = Buffer.concat(chunks);
      const capture = captureOf(request, bytes);
      io.stdout.write(
        asJson ? `${JSON.stringify(capture)}\n` : formatCapture(captured, capture, bytes.length),
      );
      const last = captured === limit;
      response
        .writeHead(200, {
          'content-type': 'text/plain; charset=utf-8',
          ...(last ? { connection: 'close' } : {}),
        })
        .end('ok', () => {
          if (last) stop();
        });
    });
  });
  return finished;
}
