import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createWebhookTrigger, type Verifier, type WebhookTrigger } from 'hookflow';
import { toNodeListener } from 'hookflow/node';
import { github, shopify, slack, square, standardWebhooks, stripe, twilio } from 'hookflow/verify';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const bin = fileURLToPath(new URL(`../${pkg.bin.hookflow}`, import.meta.url));

function hookflow(args: string[], input = '') {
  const out = spawnSync(process.execPath, [bin, ...args], {
    cwd: root,
    input,
    encoding: 'utf8',
    timeout: 10_000,
  });
  return { code: out.status, stdout: out.stdout, stderr: out.stderr };
}

describe('the built hookflow command', () => {
  it('lists the paths of an example URL', () => {
    expect(
      hookflow([
        'paths',
        '--url',
        'http://localhost:13000/api/webhook:trigger/1hfmkioou0d?query[0][a]=1',
      ]),
    ).toEqual({
      code: 0,
      stdout: 'query\nquery[0]\nquery[0].a\n',
      stderr: '',
    });
  });

  it('reads a JSON example from standard input', () => {
    expect(hookflow(['paths', '--json', '-'], '{"a":1,"b":{"c":2}}')).toEqual({
      code: 0,
      stdout: 'a\nb\nb.c\n',
      stderr: '',
    });
  });

  it('exits 1 on malformed JSON and 2 on bad usage, with one line on stderr', () => {
    const bad = hookflow(['paths', '--json', '-'], '{"a":');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^hookflow paths: Invalid JSON at line 1 column 6 \(position 5\)/);
    const usage = hookflow(['paths', '--format', 'xml', '--url', 'a=1']);
    expect(usage.code).toBe(2);
    expect(usage.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('prints its version and help', () => {
    expect(hookflow(['--version'])).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
    expect(hookflow(['paths', '--help']).stdout).toMatch(/^Usage: hookflow paths/);
  });
});

const children = new Set<ChildProcessWithoutNullStreams>();
const servers: Server[] = [];
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Starts the built CLI without blocking, so that servers in this process can answer it. */
function start(args: string[], input = '') {
  const child = spawn(process.execPath, [bin, ...args], { cwd: root });
  children.add(child);
  const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    stdout += text;
  });
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
  });
  const done = new Promise<Run>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(killer);
      children.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
  child.stdin.end(input);
  /** Resolves with the first line the child writes to `stream`. */
  const firstLine = (stream: 'stdout' | 'stderr') =>
    new Promise<string>((resolve, reject) => {
      let text = '';
      child[stream].on('data', (chunk: string) => {
        text += chunk;
        if (text.includes('\n')) resolve(text.slice(0, text.indexOf('\n')));
      });
      done.then(() => reject(new Error(`exited before a line on ${stream}: ${stderr}`)));
    });
  return { child, done, firstLine };
}

const run = (args: string[], input = '') => start(args, input).done;

/** Serves triggers by path on 127.0.0.1; unknown paths echo the request's headers and body. */
async function serve(routes: Record<string, WebhookTrigger>): Promise<string> {
  const listeners = Object.fromEntries(
    Object.entries(routes).map(([path, trigger]) => [path, toNodeListener(trigger)]),
  );
  const server = createServer((req, res) => {
    const listener = listeners[(req.url ?? '/').split('?')[0] as string];
    if (listener) return listener(req, res);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'x-echo': 'yes' });
      res.end(
        JSON.stringify({
          method: req.method,
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A sync trigger that accepts what `verify` accepts and answers with what it read. */
function verified(verify: Verifier): WebhookTrigger {
  return createWebhookTrigger({
    mode: 'sync',
    verify,
    workflow: (ctx) => ({ accepted: true, body: ctx.body }),
  });
}

const dir = mkdtempSync(join(tmpdir(), 'hookflow-cli-built-'));
const whsec = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
const nowSeconds = () => String(Math.floor(Date.now() / 1000));

describe('hookflow sign', () => {
  // Pretty-printed, non-ASCII and ending in CRLF: any re-serialisation would change the bytes.
  const eventFile = join(dir, 'event.json');
  writeFileSync(eventFile, '{\r\n  "id": "evt_1",  "name": "Zoë"\r\n}\r\n');
  const eventBytes = readFileSync(eventFile);
  const form = 'From=%2B15551234567&Body=hi+there';

  it.each<{
    scheme: string;
    verify: Verifier;
    args: string[];
    input?: string;
    body: string | Uint8Array;
    url?: string;
    contentType?: string;
  }>([
    {
      scheme: 'github',
      verify: github({ secret: 'gh-secret' }),
      args: ['--secret', 'gh-secret', '--data', '{"action":"opened"}'],
      body: '{"action":"opened"}',
    },
    {
      scheme: 'stripe',
      verify: stripe({ secret: 'whsec_stripe' }),
      args: ['--secret', 'whsec_stripe'],
      input: '{"id":"evt_1","type":"charge.succeeded"}',
      body: '{"id":"evt_1","type":"charge.succeeded"}',
    },
    {
      scheme: 'standard-webhooks',
      verify: standardWebhooks({ secret: whsec }),
      args: ['--secret', whsec, '--data', `@${eventFile}`, '--id', 'msg_42'],
      body: eventBytes,
    },
    {
      scheme: 'slack',
      verify: slack({ secret: 'slack-signing' }),
      args: ['--secret', 'slack-signing', '--data', 'token=x&text=hi', '--timestamp', nowSeconds()],
      body: 'token=x&text=hi',
      contentType: 'application/x-www-form-urlencoded',
    },
    {
      scheme: 'twilio',
      verify: twilio({ authToken: 'twilio-token' }),
      args: ['--secret', 'twilio-token', '--url', 'http://127.0.0.1/sms?x=1', '--data', form],
      body: form,
      url: 'http://127.0.0.1/sms?x=1',
      contentType: 'application/x-www-form-urlencoded',
    },
    {
      scheme: 'shopify',
      verify: shopify({ secret: 'shop' }),
      args: ['--secret', 'shop', '--data', `@${eventFile}`],
      body: eventBytes,
    },
    {
      scheme: 'square',
      verify: square({ signatureKey: 'sq', notificationUrl: 'https://example.com/hooks/square' }),
      args: ['--secret', 'sq', '--url', 'https://example.com/hooks/square', '--data', '{}'],
      body: '{}',
      url: 'https://example.com/hooks/square',
    },
  ])('prints $scheme headers that its verifier accepts', async (c) => {
    const out = await run(['sign', c.scheme, ...c.args], c.input);
    expect(out).toMatchObject({ code: 0, stderr: '' });
    const headers = JSON.parse(out.stdout) as Record<string, string>;
    const response = await verified(c.verify)(
      new Request(c.url ?? 'http://127.0.0.1/hook', {
        method: 'POST',
        headers: { ...headers, 'content-type': c.contentType ?? 'application/json' },
        body: c.body as BodyInit,
      }),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ accepted: true });
  });

  it("prints GitHub's documented example signature as indented JSON", async () => {
    expect(
      await run([
        'sign',
        'github',
        '--secret',
        "It's a Secret to Everybody",
        '--data',
        'Hello, World!',
      ]),
    ).toEqual({
      code: 0,
      stdout:
        '{\n  "x-hub-signature-256": "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"\n}\n',
      stderr: '',
    });
  });

  it('prints the given timestamp and id, and a fresh id when none is given', async () => {
    const args = ['sign', 'standard-webhooks', '--secret', whsec, '--data', '{}'];
    const given = JSON.parse(
      (await run([...args, '--timestamp', '1700000000', '--id', 'msg_1'])).stdout,
    );
    expect(given).toMatchObject({ 'webhook-id': 'msg_1', 'webhook-timestamp': '1700000000' });
    const [a, b] = await Promise.all([run(args), run(args)]);
    const first = JSON.parse(a.stdout);
    expect(first['webhook-id']).toMatch(/^msg_\w+$/);
    expect(first['webhook-id']).not.toBe(JSON.parse(b.stdout)['webhook-id']);
    expect(Math.abs(Number(first['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
  });

  it('tells how to sign a JSON body for twilio: over a URL carrying its hash', async () => {
    const out = await run([
      'sign',
      'twilio',
      '--secret',
      't',
      '--url',
      'https://e.com/in',
      '--data',
      '{}',
    ]);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/--url 'https:\/\/e\.com\/in\?bodySHA256=44136fa3[0-9a-f]{56}'/);
    const url = /--url '([^']+)'/.exec(out.stderr)?.[1] as string;
    const signed = await run(['sign', 'twilio', '--secret', 't', '--url', url, '--data', '{}']);
    const response = await verified(twilio({ authToken: 't' }))(
      new Request(url, {
        method: 'POST',
        headers: { ...JSON.parse(signed.stdout), 'content-type': 'application/json' },
        body: '{}',
      }),
    );
    expect(response.status).toBe(200);
  });
});

describe('hookflow send', () => {
  let base = '';
  const gh = 'gh-send-secret';
  const ready = serve({
    '/github': verified(github({ secret: gh })),
    '/twilio': verified(twilio({ authToken: 'tw' })),
    '/basic': createWebhookTrigger({
      mode: 'sync',
      auth: { type: 'basic', username: 'shop', password: 's3cret' },
      workflow: (ctx) => ({ user: 'ok', body: ctx.body }),
    }),
  }).then((url) => {
    base = url;
  });

  it('sends a signed delivery that the trigger accepts, prints the response and exits 0', async () => {
    await ready;
    const out = await run([
      'send',
      `${base}/github`,
      '--scheme',
      'github',
      '--secret',
      gh,
      '--data',
      '{"zen":"Keep it logically awesome."}',
    ]);
    expect(out.code).toBe(0);
    expect(out.stderr).toBe('');
    const [head = '', body] = out.stdout.split('\n\n');
    const [status, ...headers] = head.split('\n');
    expect(status).toBe('HTTP 200 OK');
    expect(headers).toContain('content-type: application/json');
    expect(JSON.parse(body as string)).toEqual({
      accepted: true,
      body: { zen: 'Keep it logically awesome.' },
    });
  });

  it('exits 1 and prints the 401 when the secret is wrong', async () => {
    await ready;
    const out = await run([
      'send',
      `${base}/github`,
      '--scheme',
      'github',
      '--secret',
      'wrong',
      '--data',
      '{}',
    ]);
    expect(out.code).toBe(1);
    expect(out.stdout).toMatch(/^HTTP 401 Unauthorized\n/);
    expect(out.stdout).toContain('SIGNATURE_INVALID');
  });

  it('signs the URL for twilio, adding bodySHA256 for a JSON body', async () => {
    await ready;
    const form = await run([
      'send',
      `${base}/twilio`,
      '--scheme',
      'twilio',
      '--secret',
      'tw',
      '--data',
      'Body=hi',
    ]);
    expect(form.code).toBe(0);
    expect(form.stdout).toContain('"body":{"Body":"hi"}');
    const json = await run([
      'send',
      `${base}/twilio`,
      '--scheme',
      'twilio',
      '--secret',
      'tw',
      '--data',
      '{"a":1}',
    ]);
    expect(json.code).toBe(0);
    expect(json.stdout).toContain('"body":{"a":1}');
  });

  it('authenticates with --basic', async () => {
    await ready;
    const ok = await run(['send', `${base}/basic`, '--basic', 'shop:s3cret', '--data', '{"id":1}']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^HTTP 200 OK\n/);
    const denied = await run([
      'send',
      `${base}/basic`,
      '--basic',
      'shop:nope',
      '--data',
      '{"id":1}',
    ]);
    expect(denied.code).toBe(1);
    expect(denied.stdout).toMatch(/^HTTP 401 Unauthorized\n/);
  });

  it('sends each --header, which replaces a generated one, and the exact bytes of --data', async () => {
    await ready;
    const file = join(dir, 'body.json');
    writeFileSync(file, '{ "a" : 1 }\n');
    const out = await run([
      'send',
      `${base}/echo`,
      '--method',
      'put',
      '--header',
      'X-Source: cli test',
      '--header',
      'content-type: application/vnd.custom+json',
      '--data',
      `@${file}`,
    ]);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('\nx-echo: yes\n');
    const echoed = JSON.parse(out.stdout.split('\n\n')[1] as string);
    expect(echoed).toMatchObject({
      method: 'PUT',
      headers: { 'x-source': 'cli test', 'content-type': 'application/vnd.custom+json' },
      body: '{ "a" : 1 }\n',
    });
  });

  it('sends a JSON body as application/json and no body by default', async () => {
    await ready;
    const json = JSON.parse(
      (await run(['send', `${base}/echo`, '--data', '[1]'])).stdout.split('\n\n')[1] as string,
    );
    expect(json.headers['content-type']).toBe('application/json');
    const empty = JSON.parse(
      (await run(['send', `${base}/echo`])).stdout.split('\n\n')[1] as string,
    );
    expect(empty).toMatchObject({ method: 'POST', body: '' });
    expect(empty.headers).not.toHaveProperty('content-type');
  });

  it('exits 1 with one line when nothing answers', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const out = await run(['send', `http://127.0.0.1:${port}/hook`, '--data', '{}']);
    expect(out).toMatchObject({ code: 1, stdout: '' });
    expect(out.stderr).toMatch(
      /^hookflow send: cannot reach http:\/\/127\.0\.0\.1:\d+\/hook: .*ECONNREFUSED/,
    );
    expect(out.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('gives up after --timeout', async () => {
    const silent = createServer(() => {});
    servers.push(silent);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const out = await run(['send', `http://127.0.0.1:${port}/`, '--timeout', '200']);
    expect(out.code).toBe(1);
    expect(out.stderr).toBe(
      `hookflow send: no response from http://127.0.0.1:${port}/ within 200 ms (--timeout)\n`,
    );
    silent.closeAllConnections();
  });
});

describe('hookflow listen', () => {
  it('prints each request as one JSON line with its variable paths, and exits after --count', async () => {
    const listen = start(['listen', '--port', '0', '--json', '--count', '1']);
    const first = await listen.firstLine('stderr');
    expect(first).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+$/);
    const origin = first.slice('listening on '.length);
    const response = await fetch(`${origin}/hooks/orders?tenant=acme&tags[]=a`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': 'push' },
      body: '{"order":{"id":"A-1","items":[{"sku":"p-1"}]},"customer.email":"a@example.com"}',
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('ok');
    const out = await listen.done;
    expect(out.code).toBe(0);
    const lines = out.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    const capture = JSON.parse(lines[0] as string);
    expect(capture).toMatchObject({
      method: 'POST',
      url: '/hooks/orders?tenant=acme&tags[]=a',
      path: '/hooks/orders',
      headers: { 'content-type': 'application/json', 'x-github-event': 'push' },
      query: { tenant: 'acme', tags: ['a'] },
      body: { order: { id: 'A-1', items: [{ sku: 'p-1' }] }, 'customer.email': 'a@example.com' },
    });
    expect(capture.paths).toEqual([
      'query.tenant',
      'query.tags',
      'query.tags[0]',
      'body.order',
      'body.order.id',
      'body.order.items',
      'body.order.items[0]',
      'body.order.items[0].sku',
      'body.["customer.email"]',
    ]);
  });

  it('prints a readable block per request, form bodies included, with --once', async () => {
    const listen = start(['listen', '--port', '0', '--once']);
    const first = await listen.firstLine('stdout');
    const origin = first.slice('listening on '.length);
    await fetch(`${origin}/in`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'From=%2B1555&Body=hi',
    });
    const out = await listen.done;
    expect(out.code).toBe(0);
    const block = out.stdout.split('\n').slice(1);
    expect(block[0]).toBe('#1 POST /in');
    expect(block).toContain('  query: none');
    expect(block).toContain('  body (application/x-www-form-urlencoded, 20 bytes)');
    expect(block.slice(block.indexOf('  paths'))).toEqual([
      '  paths',
      '    body.From',
      '    body.Body',
      '',
      '',
    ]);
  });

  it('stops with exit code 0 on SIGTERM', async () => {
    const listen = start(['listen', '--port', '0']);
    await listen.firstLine('stdout');
    listen.child.kill('SIGTERM');
    expect(await listen.done).toMatchObject({ code: 0, stderr: '' });
  });

  it('exits 1 with one line when the port is taken', async () => {
    const taken = createServer();
    servers.push(taken);
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    const out = await run(['listen', '--port', String(port)]);
    expect(out.code).toBe(1);
    expect(out.stderr).toBe(
      `hookflow listen: port ${port} on 127.0.0.1 is in use: pick another --port, or 0 for a free one\n`,
    );
  });
});

describe('the sign, send and listen commands', () => {
  it.each(['sign', 'send', 'listen'])('print their help with %s --help', async (command) => {
    const out = await run([command, '--help']);
    expect(out).toMatchObject({ code: 0, stderr: '' });
    expect(out.stdout).toMatch(new RegExp(`^Usage: hookflow ${command}`));
    expect(out.stdout).toMatch(/Exit codes:/);
  });

  it.each<[string, string[], RegExp]>([
    ['sign without --secret', ['sign', 'github', '--data', '{}'], /--secret is required/],
    [
      'an unknown scheme',
      ['sign', 'gitlab', '--secret', 's', '--data', '{}'],
      /unknown scheme "gitlab": use one of github, hmac, linear, paddle, shopify, slack, square, standard-webhooks, stripe, twilio/,
    ],
    ['sign without a scheme', ['sign', '--secret', 's'], /give a scheme: one of github/],
    [
      'an unreadable @file',
      ['sign', 'github', '--secret', 's', '--data', `@${join(dir, 'nope.json')}`],
      /cannot read --data @.*nope\.json: ENOENT/,
    ],
    [
      'twilio without --url',
      ['sign', 'twilio', '--secret', 's', '--data', 'a=1'],
      /twilio signs the URL .*--url is required/,
    ],
    [
      'a timestamp github does not sign',
      ['sign', 'github', '--secret', 's', '--timestamp', '1', '--data', '{}'],
      /--timestamp is not used by github/,
    ],
    [
      'a malformed timestamp',
      ['sign', 'stripe', '--secret', 's', '--timestamp', 'noon', '--data', '{}'],
      /--timestamp must be unix seconds/,
    ],
    [
      'hmac without --signature-header',
      ['sign', 'hmac', '--secret', 's', '--data', '{}'],
      /--signature-header is required/,
    ],
    [
      'a bad standard-webhooks secret',
      ['sign', 'standard-webhooks', '--secret', 'whsec_!!', '--data', '{}'],
      /--secret: .*base64/,
    ],
    ['send without a URL', ['send'], /give the URL to send to/],
    ['send to a relative URL', ['send', '/hooks'], /the URL must be an absolute http\(s\) URL/],
    [
      'send with --secret but no --scheme',
      ['send', 'http://127.0.0.1:9/', '--secret', 's'],
      /--secret needs --scheme/,
    ],
    [
      'send with an unknown --scheme',
      ['send', 'http://127.0.0.1:9/', '--scheme', 'x', '--secret', 's'],
      /--scheme must be one of github/,
    ],
    [
      'send with a bad --header',
      ['send', 'http://127.0.0.1:9/', '--header', 'no colon'],
      /--header must look like 'name: value'/,
    ],
    [
      'send with --basic without a colon',
      ['send', 'http://127.0.0.1:9/', '--basic', 'user'],
      /--basic must be user:password/,
    ],
    [
      'send with a bad --timeout',
      ['send', 'http://127.0.0.1:9/', '--timeout', '1s'],
      /--timeout must be a positive whole number/,
    ],
    [
      'send an unreadable @file',
      ['send', 'http://127.0.0.1:9/', '--data', '@/nonexistent/x'],
      /cannot read --data/,
    ],
    [
      'a bad --port',
      ['listen', '--port', 'http'],
      /--port must be a whole number from 0 to 65535, received "http"/,
    ],
    ['a port out of range', ['listen', '--port', '65536'], /--port must be a whole number/],
    ['a bad --count', ['listen', '--count', '0'], /--count must be a positive whole number/],
    ['an unknown option', ['listen', '--host', '0.0.0.0'], /Unknown option '--host'/],
  ])('exit 2 with one line for %s', async (_name, args, message) => {
    const out = await run(args);
    expect(out.code).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr).toMatch(message);
    expect(out.stderr).toMatch(/^hookflow \w+: .*Run "hookflow \w+ --help"\.\n$/);
  });
});
