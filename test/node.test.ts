import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createWebhookRouter, createWebhookTrigger } from 'hookflow';
import { toNodeListener } from 'hookflow/node';
import { afterEach, describe, expect, it } from 'vitest';
import { waitForRecords } from './helpers.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function listen(listener: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(listener);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const json = { 'content-type': 'application/json' };

describe('toNodeListener on a real node:http server', () => {
  it('runs a sync trigger on the Node fast path, with the socket peer as ctx.ip', async () => {
    const trigger = createWebhookTrigger({
      mode: 'sync',
      workflow: (ctx) => ({ ip: ctx.ip, body: ctx.body, url: ctx.url, q: ctx.query }),
    });
    const base = await listen(toNodeListener(trigger));
    const res = await fetch(`${base}/hook?x=1`, { method: 'POST', headers: json, body: '{"a":1}' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({
      ip: '127.0.0.1',
      body: { a: 1 },
      url: `${base}/hook?x=1`,
      q: { x: '1' },
    });
  });

  it('hands the workflow every header as one string, repeated ones joined', async () => {
    const trigger = createWebhookTrigger({
      mode: 'sync',
      workflow: (ctx) => ({ tag: ctx.headers['x-tag'], cookie: ctx.headers['set-cookie'] }),
    });
    const base = await listen(toNodeListener(trigger));
    // Node joins most repeated request headers itself; Set-Cookie stays a list until hookflow.
    const answer = await new Promise<{ status: number | undefined; body: string }>(
      (resolve, reject) => {
        const req = httpRequest(`${base}/hook`, {
          method: 'POST',
          headers: { ...json, 'x-tag': ['a', 'b'], 'set-cookie': ['c=1', 'd=2'] },
        });
        req.on('response', (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            body += chunk;
          });
          res.on('end', () => resolve({ status: res.statusCode, body }));
        });
        req.on('error', reject);
        req.end('{}');
      },
    );
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ tag: 'a, b', cookie: 'c=1, d=2' });
  });

  it('sends every answer with its Content-Length, never chunked (UTF-8 bodies counted in bytes)', async () => {
    const trigger = createWebhookTrigger({
      mode: 'sync',
      workflow: (ctx, run) => {
        const kind = (ctx.body as { kind?: string }).kind;
        if (kind === 'empty') run.respond({ status: 202 });
        else if (kind === 'no-content') run.respond({ status: 204 });
        else run.respond({ body: 'héllo 👋' });
      },
    });
    const base = await listen(toNodeListener(trigger));
    const send = (kind: string) =>
      fetch(`${base}/hook`, { method: 'POST', headers: json, body: JSON.stringify({ kind }) });
    const text = await send('text');
    expect(text.status).toBe(200);
    expect(text.headers.get('content-length')).toBe(String(Buffer.byteLength('héllo 👋')));
    expect(text.headers.get('transfer-encoding')).toBeNull();
    expect(await text.text()).toBe('héllo 👋');
    const empty = await send('empty');
    expect(empty.status).toBe(202);
    expect(empty.headers.get('content-length')).toBe('0');
    expect(empty.headers.get('transfer-encoding')).toBeNull();
    const none = await send('no-content');
    expect(none.status).toBe(204);
    expect(none.headers.get('content-length')).toBeNull();
    const refused = await fetch(`${base}/hook`, { method: 'GET' });
    expect(refused.status).toBe(405);
    const refusal = await refused.text();
    expect(refused.headers.get('content-length')).toBe(String(Buffer.byteLength(refusal)));
    expect(refused.headers.get('transfer-encoding')).toBeNull();
  });

  it('answers 405 with Allow and 413 for a chunked body past the limit', async () => {
    const trigger = createWebhookTrigger({ workflow: () => {}, limits: { maxBodyBytes: 1024 } });
    const base = await listen(toNodeListener(trigger));
    const get = await fetch(`${base}/hook`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    const big = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 8; i++) controller.enqueue(new Uint8Array(512));
        controller.close();
      },
    });
    const res = await fetch(`${base}/hook`, {
      method: 'POST',
      body: big,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
  });

  it('runs nothing of a body refused with 413 that then ends within what is drained', async () => {
    let runs = 0;
    const trigger = createWebhookTrigger({
      workflow: () => {
        runs++;
      },
      limits: { maxBodyBytes: 1024 },
    });
    const listener = toNodeListener(trigger);
    let ended: Promise<unknown> = Promise.resolve();
    const base = await listen((req, res) => {
      ended = new Promise((resolve) => {
        req.once('end', resolve);
        req.once('close', resolve);
      });
      listener(req, res);
    });
    const big = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 8; i++) controller.enqueue(new Uint8Array(512).fill(0x20));
        controller.close();
      },
    });
    const res = await fetch(`${base}/hook`, {
      method: 'POST',
      headers: json,
      body: big,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    await res.text();
    // The rest of the body was read and dropped, to its end: the refused delivery stays refused.
    await ended;
    expect(await trigger.executions.list()).toEqual([]);
    expect(runs).toBe(0);
  });

  it("aborts a sync run's signal when the client disconnects", async () => {
    let aborted: () => void = () => {};
    const abortSeen = new Promise<void>((resolve) => {
      aborted = resolve;
    });
    const trigger = createWebhookTrigger({
      mode: 'sync',
      workflow: (_ctx, run) =>
        new Promise<void>((resolve) => {
          run.signal.addEventListener('abort', () => {
            aborted();
            resolve();
          });
        }),
    });
    const base = await listen(toNodeListener(trigger));
    const req = httpRequest(`${base}/hook`, { method: 'POST', headers: json });
    req.on('error', () => {});
    req.end('{}');
    await new Promise((resolve) => setTimeout(resolve, 50));
    req.destroy();
    await Promise.race([
      abortSeen,
      new Promise((_, reject) => setTimeout(() => reject(new Error('no abort')), 2000)),
    ]);
    const [record] = await waitForRecords(trigger, (r) => r[0]?.status === 'resolved');
    expect(record?.warnings).toBeUndefined();
  });

  it("writes an async delivery's acknowledgement before its workflow starts", async () => {
    // A workflow whose synchronous part is long must not hold back the 200 the sender waits for.
    const answers = new Map<string | string[] | undefined, { writableEnded: boolean }>();
    const endedWhenStarted: string[] = [];
    const trigger = createWebhookTrigger({
      workflow: (ctx) => {
        // Its own delivery's answer, whatever the others are doing.
        const own = ctx.headers['x-n'];
        endedWhenStarted.push(`${own}: ${answers.get(own)?.writableEnded}`);
        const until = Date.now() + 20;
        while (Date.now() < until);
      },
    });
    const listener = toNodeListener(trigger);
    const base = await listen((req, res) => {
      answers.set(req.headers['x-n'], res);
      listener(req, res);
    });
    const sent = await Promise.all(
      ['1', '2', '3'].map((n) =>
        fetch(`${base}/hook`, { method: 'POST', headers: { ...json, 'x-n': n }, body: '{}' }),
      ),
    );
    expect(sent.map((res) => res.status)).toEqual([200, 200, 200]);
    await waitForRecords(trigger, (r) => r.filter((x) => x.status === 'resolved').length === 3);
    expect(endedWhenStarted.sort()).toEqual(['1: true', '2: true', '3: true']);
  });
  it('hands a response it cannot write to next(), after the body is read', async () => {
    const trigger = createWebhookTrigger({ workflow: () => {} });
    const middleware = toNodeListener(trigger);
    const errors: unknown[] = [];
    const base = await listen((req, res) => {
      // Another middleware already sent the head: hookflow's writeHead throws.
      res.writeHead(299, { 'x-first': 'yes' });
      res.flushHeaders();
      middleware(req, res, (error) => {
        errors.push(error);
        res.end('from next');
      });
    });
    const res = await fetch(`${base}/hook`, { method: 'POST', headers: json, body: '{"a":1}' });
    expect(res.status).toBe(299);
    expect(await res.text()).toBe('from next');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'ERR_HTTP_HEADERS_SENT' });
    // The delivery was accepted before the write failed: its run is recorded all the same.
    const records = await waitForRecords(trigger, (list) => list[0]?.status === 'resolved');
    expect(records).toHaveLength(1);
  });

  it("calls a handleNode that replaced the trigger's own", async () => {
    const trigger = createWebhookTrigger({ mode: 'sync', workflow: () => 'hooked' });
    const own = trigger.handleNode;
    const seen: string[] = [];
    Object.assign(trigger, {
      handleNode: (...args: Parameters<typeof own>) => {
        seen.push(args[0].url ?? '');
        return own(...args);
      },
    });
    const base = await listen(toNodeListener(trigger));
    const res = await fetch(`${base}/hook`, { method: 'POST' });
    expect(await res.json()).toBe('hooked');
    expect(seen).toEqual(['/hook']);
  });

  it('ends a response it cannot write when there is no next()', async () => {
    const listener = toNodeListener(createWebhookTrigger({ workflow: () => {} }));
    const base = await listen((req, res) => {
      res.writeHead(299);
      res.flushHeaders();
      listener(req, res);
    });
    const res = await fetch(`${base}/hook`, { method: 'POST', headers: json, body: '{"a":1}' });
    expect(res.status).toBe(299);
    expect(await res.text()).toBe('');
  });
});

describe('createWebhookRouter', () => {
  it('dispatches by key on the default route, with the literal colon, and 404s unknown keys', async () => {
    const router = createWebhookRouter()
      .add(createWebhookTrigger({ key: 'orders', mode: 'sync', workflow: () => 'orders' }))
      .add(createWebhookTrigger({ key: 'refunds', mode: 'sync', workflow: () => 'refunds' }));
    const base = await listen(toNodeListener(router));
    const hit = await fetch(`${base}/api/webhook:trigger/refunds`, { method: 'POST' });
    expect(await hit.json()).toBe('refunds');
    const missing = await fetch(`${base}/api/webhook:trigger/nope`, { method: 'POST' });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'TRIGGER_NOT_FOUND' } });
    const elsewhere = await fetch(`${base}/api/webhooktrigger/orders`, { method: 'POST' });
    expect(elsewhere.status).toBe(404);
  });

  it('passes extra route params to ctx.params, on Request and on Node', async () => {
    const router = createWebhookRouter({ route: '/hooks/:tenant/:key' }).add(
      createWebhookTrigger({ key: 'k1', mode: 'sync', workflow: (ctx) => ctx.params }),
    );
    const viaRequest = await router(new Request('http://h/hooks/acme/k1', { method: 'POST' }));
    expect(await viaRequest.json()).toEqual({ tenant: 'acme' });
    const base = await listen(toNodeListener(router));
    expect(await (await fetch(`${base}/hooks/globex/k1?x=1`, { method: 'POST' })).json()).toEqual({
      tenant: 'globex',
    });
  });

  it('refuses a second trigger with the same key, and a route without :key', () => {
    const router = createWebhookRouter().add(
      createWebhookTrigger({ key: 'a', workflow: () => {} }),
    );
    expect(() => router.add(createWebhookTrigger({ key: 'a', workflow: () => {} }))).toThrow(
      /already/,
    );
    expect(() => createWebhookRouter({ route: '/hooks/:id' })).toThrow(/:key/);
    expect(router.remove('a')).toBe(true);
    expect(router.get('a')).toBeUndefined();
  });

  it('passes unmatched paths to next() when used as Connect middleware', async () => {
    const router = createWebhookRouter().add(
      createWebhookTrigger({ key: 'k', mode: 'sync', workflow: () => 'hooked' }),
    );
    const middleware = toNodeListener(router);
    const base = await listen((req, res) =>
      middleware(req, res, () => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('app');
      }),
    );
    expect(await (await fetch(`${base}/other`)).text()).toBe('app');
    expect(await (await fetch(`${base}/api/webhook:trigger/k`, { method: 'POST' })).json()).toBe(
      'hooked',
    );
  });
});

describe('bodies a framework already read', () => {
  it('uses rawBody when given, and verifies it', async () => {
    const { github, signGithub } = await import('hookflow/verify');
    const trigger = createWebhookTrigger({
      mode: 'sync',
      verify: github({ secret: 's' }),
      workflow: (ctx) => ctx.body,
    });
    const body = '{"a":1}';
    const headers = { ...(await signGithub('s', body)), 'content-type': 'application/json' };
    const res = await trigger(new Request('http://h/x', { method: 'POST', headers }), {
      rawBody: new TextEncoder().encode(body),
    });
    expect(await res.json()).toEqual({ a: 1 });
    expect(trigger.needsRawBody).toBe(true);
  });

  it('fails closed with 500 RAW_BODY_UNAVAILABLE when only a parsed body is left and signatures are checked', async () => {
    const { github } = await import('hookflow/verify');
    const trigger = createWebhookTrigger({ verify: github({ secret: 's' }), workflow: () => {} });
    const res = await trigger(new Request('http://h/x', { method: 'POST' }), {
      parsedBody: { a: 1 },
    });
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({
      error: { code: 'RAW_BODY_UNAVAILABLE', message: expect.stringMatching(/body parser/) },
    });
  });

  it('uses a parsed body as ctx.body when no signature is checked', async () => {
    const trigger = createWebhookTrigger({ mode: 'sync', workflow: (ctx) => ctx.body });
    expect(trigger.needsRawBody).toBe(false);
    const res = await trigger(new Request('http://h/x', { method: 'POST' }), {
      parsedBody: { a: 2 },
    });
    expect(await res.json()).toEqual({ a: 2 });
  });
});

describe('oversized streamed bodies on the Node fast path', () => {
  it('answers 413 and stops reading about 1 MiB past the limit, never the whole body', async () => {
    const trigger = createWebhookTrigger({
      workflow: () => {},
      limits: { maxBodyBytes: 64 * 1024 },
    });
    const listener = toNodeListener(trigger);
    let seen = 0;
    const base = await listen((req, res) => {
      req.on('data', (chunk: Buffer) => {
        seen += chunk.byteLength;
      });
      listener(req, res);
    });
    const total = 8 * 1024 * 1024;
    const outcome = await new Promise<number | 'reset'>((resolve) => {
      const req = httpRequest(`${base}/hook`, {
        method: 'POST',
        headers: { 'transfer-encoding': 'chunked' },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', () => resolve('reset'));
      const chunk = Buffer.alloc(64 * 1024);
      let sent = 0;
      const pump = () => {
        while (sent < total) {
          sent += chunk.byteLength;
          if (!req.write(chunk)) {
            req.once('drain', pump);
            return;
          }
        }
        req.end();
      };
      pump();
    });
    // Either the 413 arrived, or the connection was cut; in both cases the body was not read whole.
    expect([413, 'reset']).toContain(outcome);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen).toBeLessThan(3 * 1024 * 1024);
  });
});
