import { type ServerType, serve } from '@hono/node-server';
import { Hono } from 'hono';
import {
  createWebhookRouter,
  createWebhookTrigger,
  type WebhookTrigger,
  type WebhookTriggerConfig,
} from 'hookflow';
import { honoHandler } from 'hookflow/hono';
import { github, signGithub } from 'hookflow/verify';
import { afterEach, describe, expect, it, vi } from 'vitest';

const servers: ServerType[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function listen(app: Hono): Promise<string> {
  const port = await new Promise<number>((resolve) => {
    servers.push(
      serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(info.port)),
    );
  });
  return `http://127.0.0.1:${port}`;
}

const json = { 'content-type': 'application/json' };

describe('honoHandler on @hono/node-server', () => {
  it('runs a sync trigger, with route params and the socket peer as ctx.ip', async () => {
    const trigger = createWebhookTrigger({
      mode: 'sync',
      workflow: (ctx) => ({
        ip: ctx.ip?.replace(/^::ffff:/, ''),
        body: ctx.body,
        params: ctx.params,
      }),
    });
    const app = new Hono().all('/hooks/:tenant', honoHandler(trigger));
    const base = await listen(app);
    const res = await fetch(`${base}/hooks/acme`, {
      method: 'POST',
      headers: json,
      body: '{"a":1}',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      ip: '127.0.0.1',
      body: { a: 1 },
      params: { tenant: 'acme' },
    });
  });

  it('hands the exact bytes to the verifier: 200 when signed, 401 when tampered', async () => {
    const trigger = createWebhookTrigger({
      mode: 'sync',
      verify: github({ secret: 's' }),
      workflow: (ctx) => ctx.body,
    });
    const base = await listen(new Hono().post('/gh', honoHandler(trigger)));
    const body = '{ "a":  1 }';
    const headers = { ...(await signGithub('s', body)), ...json };
    const ok = await fetch(`${base}/gh`, { method: 'POST', headers, body });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ a: 1 });
    const tampered = await fetch(`${base}/gh`, { method: 'POST', headers, body: '{"a":1}' });
    expect(tampered.status).toBe(401);
    expect(await tampered.json()).toMatchObject({ error: { code: 'SIGNATURE_INVALID' } });
  });

  it('serves a router at the default route (a colon inside a segment is literal in Hono)', async () => {
    const router = createWebhookRouter()
      .add(createWebhookTrigger({ key: 'orders', mode: 'sync', workflow: () => 'orders' }))
      .add(createWebhookTrigger({ key: 'refunds', mode: 'sync', workflow: () => 'refunds' }));
    const app = new Hono().all('/api/webhook:trigger/:key', honoHandler(router));
    const base = await listen(app);
    expect(
      await (await fetch(`${base}/api/webhook:trigger/refunds`, { method: 'POST' })).json(),
    ).toBe('refunds');
    expect(
      await (await fetch(`${base}/api/webhook:trigger/orders`, { method: 'POST' })).json(),
    ).toBe('orders');
    const missing = await fetch(`${base}/api/webhook:trigger/nope`, { method: 'POST' });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'TRIGGER_NOT_FOUND' } });
  });

  it('passes executionCtx.waitUntil to async runs where the platform has one', async () => {
    const kept: Promise<unknown>[] = [];
    const trigger = createWebhookTrigger({ workflow: () => {} });
    const app = new Hono().post('/hook', honoHandler(trigger));
    const executionCtx = {
      waitUntil: (p: Promise<unknown>) => kept.push(p),
      passThroughOnException() {},
      props: {},
    };
    const res = await app.fetch(new Request('http://h/hook', { method: 'POST' }), {}, executionCtx);
    expect(res.status).toBe(200);
    expect(kept.length).toBeGreaterThan(0);
    await Promise.all(kept);
  });

  it('refuses anything but a trigger or a router', () => {
    expect(() => honoHandler((() => {}) as never)).toThrow(TypeError);
  });
});

/** Serves `trigger` at /hook on every method (the trigger answers 405 itself). */
async function serveTrigger(trigger: WebhookTrigger): Promise<string> {
  return `${await listen(new Hono().all('/hook', honoHandler(trigger)))}/hook`;
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

describe('honoHandler on @hono/node-server: the trigger pipeline through a real server', () => {
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
