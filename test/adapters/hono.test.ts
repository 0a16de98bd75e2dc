import { type ServerType, serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createWebhookRouter, createWebhookTrigger, type WebhookTrigger } from 'hookflow';
import { honoHandler } from 'hookflow/hono';
import { github, signGithub } from 'hookflow/verify';
import { afterEach, describe, expect, it } from 'vitest';
import { describeAdapterPipeline } from './pipeline-suite.js';

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

describeAdapterPipeline('honoHandler on @hono/node-server', serveTrigger);
