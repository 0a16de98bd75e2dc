import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { createWebhookRouter, createWebhookTrigger, type WebhookTrigger } from 'hookflow';
import { fastifyWebhook } from 'hookflow/fastify';
import { github, signGithub } from 'hookflow/verify';
import { afterEach, describe, expect, it } from 'vitest';
import { describeAdapterPipeline } from './pipeline-suite.js';

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function listen(app: FastifyInstance): Promise<string> {
  apps.push(app);
  await app.listen({ port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

const json = { 'content-type': 'application/json' };

describe('fastifyWebhook', () => {
  it('runs a sync trigger at its path, with route params and the socket peer as ctx.ip', async () => {
    const trigger = createWebhookTrigger({
      mode: 'sync',
      workflow: (ctx) => ({
        ip: ctx.ip?.replace(/^::ffff:/, ''),
        body: ctx.body,
        params: ctx.params,
      }),
    });
    const app = Fastify();
    await app.register(fastifyWebhook, { trigger, path: '/hooks/:tenant' });
    const base = await listen(app);
    const res = await fetch(`${base}/hooks/acme?x=1`, {
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
    const get = await fetch(`${base}/hooks/acme`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });

  it('hands the exact bytes to the verifier: 200 when signed, 401 when tampered', async () => {
    const trigger = createWebhookTrigger({
      mode: 'sync',
      verify: github({ secret: 's' }),
      workflow: (ctx) => ctx.body,
    });
    const app = Fastify();
    await app.register(fastifyWebhook, { trigger, path: '/gh' });
    const base = await listen(app);
    const body = '{ "a":  1 }';
    const headers = { ...(await signGithub('s', body)), ...json };
    const ok = await fetch(`${base}/gh`, { method: 'POST', headers, body });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ a: 1 });
    const tampered = await fetch(`${base}/gh`, { method: 'POST', headers, body: '{"a":1}' });
    expect(tampered.status).toBe(401);
    expect(await tampered.json()).toMatchObject({ error: { code: 'SIGNATURE_INVALID' } });
  });

  it("answers the trigger's own 413 past its body limit, not Fastify's", async () => {
    const trigger = createWebhookTrigger({ workflow: () => {}, limits: { maxBodyBytes: 1024 } });
    const app = Fastify();
    await app.register(fastifyWebhook, { trigger, path: '/hook' });
    const base = await listen(app);
    const res = await fetch(`${base}/hook`, {
      method: 'POST',
      headers: json,
      body: 'x'.repeat(4096),
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
  });

  it("keeps the app's JSON parser for its other routes (encapsulation)", async () => {
    const trigger = createWebhookTrigger({ workflow: () => {} });
    const app = Fastify();
    app.post('/other', async (request) => ({ parsed: request.body }));
    await app.register(fastifyWebhook, { trigger, path: '/hook' });
    const base = await listen(app);
    const res = await fetch(`${base}/other`, { method: 'POST', headers: json, body: '{"b":2}' });
    expect(await res.json()).toEqual({ parsed: { b: 2 } });
  });

  it('serves a router on its default route, dispatching by key, and 404s unknown keys', async () => {
    const router = createWebhookRouter()
      .add(createWebhookTrigger({ key: 'orders', mode: 'sync', workflow: () => 'orders' }))
      .add(createWebhookTrigger({ key: 'refunds', mode: 'sync', workflow: () => 'refunds' }));
    const app = Fastify();
    app.get('/api/health', async () => 'ok');
    await app.register(fastifyWebhook, { router });
    const base = await listen(app);
    const hit = await fetch(`${base}/api/webhook:trigger/refunds`, {
      method: 'POST',
      headers: json,
      body: '{}',
    });
    expect(await hit.json()).toBe('refunds');
    expect(
      await (await fetch(`${base}/api/webhook:trigger/orders`, { method: 'POST' })).json(),
    ).toBe('orders');
    const missing = await fetch(`${base}/api/webhook:trigger/nope`, { method: 'POST' });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'TRIGGER_NOT_FOUND' } });
    expect(await (await fetch(`${base}/api/health`)).text()).toBe('ok');
  });

  it('refuses a registration without a trigger or a router', async () => {
    const app = Fastify();
    apps.push(app);
    await expect(app.register(fastifyWebhook, {} as never).ready()).rejects.toThrow(TypeError);
  });
});

/** Serves `trigger` at /hook (the plugin routes every method; the trigger answers 405 itself). */
async function serveTrigger(trigger: WebhookTrigger): Promise<string> {
  // After an early 413 the half-sent upload keeps its connection open; app.close() would wait on it.
  const app = Fastify({ forceCloseConnections: true });
  await app.register(fastifyWebhook, { trigger, path: '/hook' });
  return `${await listen(app)}/hook`;
}

describeAdapterPipeline('fastifyWebhook', serveTrigger);
