import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bodyParser } from '@koa/bodyparser';
import {
  createWebhookRouter,
  createWebhookTrigger,
  type WebhookTrigger,
  type WebhookTriggerConfig,
} from 'hookflow';
import { koaHandler } from 'hookflow/koa';
import { github, signGithub } from 'hookflow/verify';
import Koa from 'koa';
import { afterEach, describe, expect, it, vi } from 'vitest';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** Listens on 127.0.0.1 (any app: `use()` widens a Koa app's context type). */
async function listen(app: { listen(port: number, host: string): Server }): Promise<string> {
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const json = { 'content-type': 'application/json' };
const secret = 'It is a secret';
const echo = () =>
  createWebhookTrigger({
    mode: 'sync',
    workflow: (ctx) => ({ body: ctx.body, url: ctx.url, ip: ctx.ip }),
  });
const signed = () =>
  createWebhookTrigger({ mode: 'sync', verify: [github({ secret })], workflow: () => 'ok' });

/** A JSON body parser that keeps no raw bytes (as many hand-rolled ones do). */
const parseJsonOnly: Koa.Middleware = async (ctx, next) => {
  let text = '';
  for await (const chunk of ctx.req) text += String(chunk);
  (ctx.request as { body?: unknown }).body = JSON.parse(text);
  await next();
};

describe('koaHandler', () => {
  it('answers a sync trigger through the app, with 127.0.0.1 as ctx.ip', async () => {
    const app = new Koa().use(koaHandler(echo()));
    const base = await listen(app);
    const res = await fetch(`${base}/hook?x=1`, { method: 'POST', headers: json, body: '{"a":1}' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({ body: { a: 1 }, url: `${base}/hook?x=1`, ip: '127.0.0.1' });
  });

  it('gives the workflow the full original URL when the path was rewritten by a mount', async () => {
    const app = new Koa()
      .use(async (ctx, next) => {
        // What koa-mount does: strip the prefix from ctx.path, keep ctx.originalUrl.
        ctx.path = ctx.path.replace(/^\/hooks/, '');
        await next();
      })
      .use(koaHandler(echo()));
    const base = await listen(app);
    const res = await fetch(`${base}/hooks/github?x=1`, {
      method: 'POST',
      headers: json,
      body: '{}',
    });
    expect(((await res.json()) as { url: string }).url).toBe(`${base}/hooks/github?x=1`);
  });

  it('verifies a signed delivery after @koa/bodyparser, from ctx.request.rawBody', async () => {
    const app = new Koa().use(bodyParser()).use(koaHandler(signed()));
    const base = await listen(app);
    const body = '{ "action": "opened", "title": "café" }';
    const res = await fetch(`${base}/hook`, {
      method: 'POST',
      headers: { ...json, ...(await signGithub(secret, body)) },
      body,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toBe('ok');
  });

  it('answers 500 RAW_BODY_UNAVAILABLE after a parser that kept no raw bytes and a verifier', async () => {
    const app = new Koa().use(parseJsonOnly).use(koaHandler(signed()));
    const base = await listen(app);
    const body = '{"action":"opened"}';
    const res = await fetch(`${base}/hook`, {
      method: 'POST',
      headers: { ...json, ...(await signGithub(secret, body)) },
      body,
    });
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toMatchObject({ error: { code: 'RAW_BODY_UNAVAILABLE' } });
  });

  it('passes the parsed body to ctx.body without a verifier', async () => {
    const app = new Koa().use(parseJsonOnly).use(koaHandler(echo()));
    const base = await listen(app);
    const res = await fetch(`${base}/hook`, { method: 'POST', headers: json, body: '{"a":[1]}' });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { body: unknown }).body).toEqual({ a: [1] });
  });

  it('reads the stream itself when @koa/bodyparser skipped the content type', async () => {
    const app = new Koa().use(bodyParser()).use(koaHandler(echo()));
    const base = await listen(app);
    const res = await fetch(`${base}/hook`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect(((await res.json()) as { body: unknown }).body).toBe('hello');
  });

  it('dispatches a router by key and lets other paths fall through to the app', async () => {
    const router = createWebhookRouter()
      .add(createWebhookTrigger({ key: 'orders', mode: 'sync', workflow: () => 'orders' }))
      .add(createWebhookTrigger({ key: 'refunds', mode: 'sync', workflow: () => 'refunds' }));
    const app = new Koa().use(bodyParser()).use(koaHandler(router));
    app.use((ctx) => {
      ctx.body = `app ${ctx.path}`;
    });
    const base = await listen(app);
    const orders = await fetch(`${base}/api/webhook:trigger/orders`, { method: 'POST' });
    expect(await orders.json()).toBe('orders');
    const refunds = await fetch(`${base}/api/webhook:trigger/refunds`, { method: 'POST' });
    expect(await refunds.json()).toBe('refunds');
    const unknown = await fetch(`${base}/api/webhook:trigger/nope`, { method: 'POST' });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'TRIGGER_NOT_FOUND' } });
    const other = await fetch(`${base}/health`);
    expect(await other.text()).toBe('app /health');
  });
});

/** Serves `trigger` on every path and method (the trigger answers 405 itself). */
async function serveTrigger(trigger: WebhookTrigger): Promise<string> {
  return `${await listen(new Koa().use(koaHandler(trigger)))}/hook`;
}

const triggers: WebhookTrigger[] = [];
afterEach(async () => {
  await Promise.all(triggers.splice(0).map((t) => t.close()));
});

/** Creates a trigger, closed after the test. */
function track(config: WebhookTriggerConfig): WebhookTrigger {
  const trigger = createWebhookTrigger(config);
  triggers.push(trigger);
  return trigger;
}

/** `count` chunks of `size` bytes, produced on demand (no Content-Length). */
function chunkedStream(count: number, size: number) {
  let pulls = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulls++ === count) controller.close();
      else controller.enqueue(new Uint8Array(size));
    },
  });
}

const basic = (username: string, password: string) => ({
  authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`,
});
/** A fresh 5 s deadline per request. */
const bounded = () => ({ signal: AbortSignal.timeout(5000) });

describe('koaHandler: the trigger pipeline through a real server', () => {
  it('acknowledges an async trigger with 200 ok, then runs the workflow', async () => {
    const trigger = track({ workflow: (ctx) => ctx.body });
    const url = await serveTrigger(trigger);
    const res = await fetch(url, { method: 'POST', headers: json, body: '{"a":1}', ...bounded() });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok');
    await vi.waitFor(
      async () => {
        const records = await trigger.executions.list();
        expect(records).toHaveLength(1);
        expect(records[0]).toMatchObject({ mode: 'async', status: 'resolved', result: { a: 1 } });
      },
      { timeout: 2000, interval: 10 },
    );
  });

  it('answers 405 with an Allow header for GET on a POST trigger', async () => {
    const url = await serveTrigger(track({ workflow: () => {} }));
    const res = await fetch(url, bounded());
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect(await res.json()).toMatchObject({ error: { code: 'METHOD_NOT_ALLOWED' } });
  });

  it.each([
    { password: 'wrong', status: 401, challenged: true },
    { password: 'right', status: 200, challenged: false },
  ])('answers $status to Basic auth with the $password password', async (c) => {
    const auth = { type: 'basic', username: 'hook', password: 'right' } as const;
    const url = await serveTrigger(track({ key: 'orders', auth, workflow: () => {} }));
    const res = await fetch(url, {
      method: 'POST',
      headers: basic('hook', c.password),
      ...bounded(),
    });
    expect(res.status).toBe(c.status);
    if (c.challenged) {
      expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm="hookflow orders"/);
      expect(await res.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    } else {
      expect(res.headers.get('www-authenticate')).toBeNull();
      expect(await res.text()).toBe('ok');
    }
  });

  it('answers 413 PAYLOAD_TOO_LARGE to a streamed body without Content-Length', async () => {
    const url = await serveTrigger(
      track({ workflow: () => {}, limits: { maxBodyBytes: 64 * 1024 } }),
    );
    const stream = chunkedStream(8, 64 * 1024);
    // Abort the upload once answered: the server stops reading but keeps the connection open.
    const upload = new AbortController();
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: stream,
      duplex: 'half',
      signal: AbortSignal.any([upload.signal, AbortSignal.timeout(5000)]),
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
    upload.abort();
    // Not asserted: how far the stream was pulled. fetch (undici) buffers ahead of the server, and
    // the server drains up to 1 MiB past the limit (keeping none of it) so the client can read the
    // 413; a body larger than that is cut off. What matters is the answer.
  });

  it.each([
    { ipAllow: ['127.0.0.1/32', '::1/128'], status: 200, code: undefined },
    { ipAllow: ['203.0.113.0/24'], status: 403, code: 'IP_NOT_ALLOWED' },
  ])('answers $status for ipAllow $ipAllow, matched against the client IP', async (c) => {
    const url = await serveTrigger(track({ ipAllow: c.ipAllow, workflow: () => {} }));
    const res = await fetch(url, { method: 'POST', ...bounded() });
    expect(res.status).toBe(c.status);
    if (c.code) expect(await res.json()).toMatchObject({ error: { code: c.code } });
    else expect(await res.text()).toBe('ok');
  });
});
