import { parseArgs } from 'node:util';
import { SIGN_SCHEMES } from '../verify/sign-scheme.js';
import { twilioBodyUrl } from '../verify/twilio.js';
import { isJsonBytes, readData } from './data.js';
import { type CliIo, UsageError } from './io.js';
import {
  FORM,
  hasBodyHash,
  resolveScheme,
  resolveSigning,
  resolveUrl,
  SIGNING_HELP,
  SIGNING_OPTIONS,
  type Signing,
  type SigningValues,
  signDelivery,
} from './signing.js';

/** The text of `hookflow send --help`. */
export const SEND_HELP = `Usage: hookflow send <url> [options]

Sends one delivery to <url>, signed with --scheme and --secret when given, and prints
the response: "HTTP <status> <reason>", its headers (one "name: value" per line), a
blank line and its body. The signature covers exactly the bytes sent.

Options:
  --data <body>      the body: inline text, @<file> (read as bytes) or @- (standard
                     input); default none. A body that parses as JSON is sent with
                     content-type application/json
  --header 'k: v'    a request header; repeat for more. It replaces a generated
                     header of the same name (content-type, authorization, signature)
  --basic <u:p>      HTTP Basic authentication: user:password
  --method <m>       the request method (default POST)
  --timeout <ms>     how long to wait for the response (default 10000)
  --scheme <s>       sign like this sender (one of the schemes below)
${SIGNING_HELP}
  -h, --help         show this help

Schemes: ${SIGN_SCHEMES.join(', ')}

square and twilio sign <url> itself. With twilio, a body that is not JSON is sent as
a form (application/x-www-form-urlencoded, as Twilio does); for a JSON body, the
bodySHA256 Twilio adds is appended to <url> unless it is there already.

Examples:
  hookflow send http://127.0.0.1:3000/hooks/github --scheme github \\
    --secret "$GITHUB_WEBHOOK_SECRET" --header 'x-github-event: push' --data @push.json
  hookflow send http://127.0.0.1:3000/hooks/orders --basic shop:s3cret --data '{"id":1}'

Exit codes: 0 a 2xx response, 1 any other response or no response, 2 bad usage.
`;

const METHOD = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_NAME = METHOD;

/** Parses `--header 'name: value'` into a lower-case name and a trimmed value. */
function parseHeader(text: string): [string, string] {
  const colon = text.indexOf(':');
  const name = colon === -1 ? '' : text.slice(0, colon).trim();
  const value = colon === -1 ? '' : text.slice(colon + 1).trim();
  if (!HEADER_NAME.test(name) || /[\r\n\0]/.test(value)) {
    throw new UsageError(`--header must look like 'name: value', received "${text}"`);
  }
  return [name.toLowerCase(), value];
}

/** The one-line reason a request got no response. */
function describeFailure(error: unknown, url: string, timeoutMs: number): string {
  const failure = error as { name?: string; message?: string; cause?: unknown };
  if (failure.name === 'TimeoutError') {
    return `no response from ${url} within ${timeoutMs} ms (--timeout)`;
  }
  const cause = failure.cause as { message?: string; code?: string } | undefined;
  return `cannot reach ${url}: ${cause?.message || cause?.code || failure.message || String(error)}`;
}

/** `hookflow send`: sends one delivery, optionally signed, and prints the response. */
export async function runSend(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      ...SIGNING_OPTIONS,
      scheme: { type: 'string' },
      data: { type: 'string' },
      header: { type: 'string', multiple: true },
      basic: { type: 'string' },
      method: { type: 'string' },
      timeout: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: true,
  });
  if (values.help) {
    io.stdout.write(SEND_HELP);
    return 0;
  }
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0
        ? 'give the URL to send to'
        : `expected one URL, received ${positionals.length} arguments`,
    );
  }
  let url = resolveUrl(positionals[0] as string, 'the URL');
  const method = (values.method ?? 'POST').toUpperCase();
  if (!METHOD.test(method)) {
    throw new UsageError(`--method must be an HTTP method, received "${values.method}"`);
  }
  const timeoutMs = Number(values.timeout ?? 10_000);
  if (values.timeout !== undefined && !/^[1-9]\d{0,8}$/.test(values.timeout)) {
    throw new UsageError(
      `--timeout must be a positive whole number of milliseconds, received "${values.timeout}"`,
    );
  }
  let authorization: string | undefined;
  if (values.basic !== undefined) {
    if (!values.basic.includes(':')) {
      throw new UsageError(`--basic must be user:password, received "${values.basic}"`);
    }
    authorization = `Basic ${Buffer.from(values.basic, 'utf8').toString('base64')}`;
  }
  const given = new Map<string, string[]>();
  for (const text of values.header ?? []) {
    const [name, value] = parseHeader(text);
    given.set(name, [...(given.get(name) ?? []), value]);
  }
  const signing = resolveSendSigning(values);
  const body = await readData(values.data, io, 'empty');
  if ((method === 'GET' || method === 'HEAD') && body.length > 0) {
    throw new UsageError(`a ${method} request cannot carry --data`);
  }

  const headers = new Headers();
  let contentType = given.get('content-type')?.join(', ');
  if (contentType === undefined && isJsonBytes(body)) contentType = 'application/json';
  if (signing?.scheme === 'twilio') {
    // Twilio sends forms unless told otherwise, and signs anything else through the body's hash.
    contentType ??= FORM;
    if (contentType.split(';', 1)[0]?.trim().toLowerCase() !== FORM && !hasBodyHash(url)) {
      url = await twilioBodyUrl(url, body);
    }
  }
  if (contentType !== undefined) headers.set('content-type', contentType);
  if (authorization !== undefined) headers.set('authorization', authorization);
  if (signing) {
    const signed = await signDelivery(signing, body, url, contentType);
    for (const [name, value] of Object.entries(signed)) headers.set(name, value);
  }
  for (const [name, list] of given) {
    headers.delete(name);
    for (const value of list) headers.append(name, value);
  }

  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: method === 'GET' || method === 'HEAD' ? null : (body as BodyInit),
      // A redirect is the receiver's answer: report it rather than re-send the delivery elsewhere.
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new Error(describeFailure(error, url, timeoutMs));
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw new Error(describeFailure(error, url, timeoutMs));
  }
  const lines = [`HTTP ${response.status} ${response.statusText}`.trimEnd()];
  for (const [name, value] of response.headers) lines.push(`${name}: ${value}`);
  io.stdout.write(
    `${lines.join('\n')}\n\n${text}${text === '' || text.endsWith('\n') ? '' : '\n'}`,
  );
  return response.status >= 200 && response.status < 300 ? 0 : 1;
}

/** The signing of a `send`, or `undefined` when it is not signed. */
function resolveSendSigning(
  values: SigningValues & { scheme?: string | undefined },
): Signing | undefined {
  if (values.scheme === undefined) {
    const option = (Object.keys(SIGNING_OPTIONS) as (keyof SigningValues)[]).find(
      (name) => values[name] !== undefined,
    );
    if (option) throw new UsageError(`--${option} needs --scheme`);
    return undefined;
  }
  return resolveSigning(resolveScheme(values.scheme, '--scheme'), values);
}
