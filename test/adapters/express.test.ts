import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import {
  createWebhookRouter,
  createWebhookTrigger,
  type WebhookTrigger,
  type WebhookTriggerConfig,
} from 'hookflow';
import { expressHandler } from 'hookflow/express';
import { github, signGithub } from 'hookflow/verify';
import { afterEach, describe, expect, it, vi } from 'vitest';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function listen(app: express.Express): Promise<string> {
  const server = await new Promise<Server>((resolve) => {
    const started: Server = app.listen(0, '127.0.0.1', () => resolve(started));
  });
  servers.push(server);
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

describe('expressHandler', () => {
  it('answers a sync trigger through the app, with the client as ctx.ip', async () => {
    const app = express();
    app.post('/hook', expressHandler(echo()));
    const base = await listen(app);
    const res = await fetch(`${base}/hook?x=1`, { method: 'POST', headers: json, body: '{"a":1}' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    const seen = (await res.json()) as { body: unknown; url: string; ip: string };
    expect(seen.body).toEqual({ a: 1 });
    expect(seen.ip.replace(/^::ffff:/, '')).toBe('127.0.0.1');
  });

  it('gives the workflow the full original URL when mounted under a prefix', async () => {
    const app = express();
    app.use('/hooks', expressHandler(echo()));
    const base = await listen(app);
    const res = await fetch(`${base}/hooks/github?x=1`, {
      method: 'POST',
      headers: json,
      body: '{}',
    });
    expect(((await res.json()) as { url: string }).url).toBe(`${base}/hooks/github?x=1`);
  });

  it('verifies a signed delivery after express.json() when verify keeps the raw bytes', async () => {
    const app = express();
    app.use(
      express.json({
        // Object.assign: @koa/bodyparser (in the same program) types IncomingMessage.rawBody as string.
        verify: (req, _res, buf) => Object.assign(req, { rawBody: buf }),
      }),
    );
    app.post('/hook', expressHandler(signed()));
    const base = await listen(app);
    const body = '{ "action": "opened" }';
    const res = await fetch(`${base}/hook`, {
      method: 'POST',
      headers: { ...json, ...(await signGithub(secret, body)) },
      body,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toBe('ok');
  });

  it('answers 500 RAW_BODY_UNAVAILABLE after express.json() without raw bytes and a verifier', async () => {
    const app = express();
    app.use(express.json());
    app.post('/hook', expressHandler(signed()));
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

  it('passes the parsed body to ctx.body after express.json() without a verifier', async () => {
    const app = express();
    app.use(express.json());
    app.post('/hook', expressHandler(echo()));
    const base = await listen(app);
    const res = await fetch(`${base}/hook`, { method: 'POST', headers: json, body: '{"a":[1]}' });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { body: unknown }).body).toEqual({ a: [1] });
  });

  it('dispatches a router by key and lets other paths fall through to the app', async () => {
    const router = createWebhookRouter()
      .add(createWebhookTrigger({ key: 'orders', mode: 'sync', workflow: (ctx) => ctx.url }))
      .add(createWebhookTrigger({ key: 'refunds', mode: 'sync', workflow: () => 'refunds' }));
    const app = express();
    app.use('/hooks', expressHandler(router));
    app.get('/hooks/health', (_req, res) => {
      res.send('app');
    });
    const base = await listen(app);
    const orders = await fetch(`${base}/hooks/api/webhook:trigger/orders`, { method: 'POST' });
    expect(await orders.json()).toBe(`${base}/hooks/api/webhook:trigger/orders`);
    const refunds = await fetch(`${base}/hooks/api/webhook:trigger/refunds`, { method: 'POST' });
    expect(await refunds.json()).toBe('refunds');
    const unknown = await fetch(`${base}/hooks/api/webhook:trigger/nope`, { method: 'POST' });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'TRIGGER_NOT_FOUND' } });
    const app404 = await fetch(`${base}/hooks/health`);
    expect(await app404.text()).toBe('app');
  });

  it('sends errors thrown by the handler to next', async () => {
    const trigger = echo();
    const broken = Object.assign(trigger, {
      handleNode: () => Promise.reject(new Error('boom')),
    });
    const app = express();
    app.post('/hook', expressHandler(broken));
    app.use(
      (error: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
        res.status(502).send(error.message);
      },
    );
    const base = await listen(app);
    const res = await fetch(`${base}/hook`, { method: 'POST' });
    expect(res.status).toBe(502);
    expect(await res.text()).toBe('boom');
  });
});

/** Serves `trigger` at /hook on every method (the trigger answers 405 itself). */
async function serveTrigger(trigger: WebhookTrigger): Promise<string> {
  const app = express();
  app.all('/hook', expressHandler(trigger));
  return `${await listen(app)}/hook`;
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

describe('expressHandler: the trigger pipeline through a real server', () => {
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
