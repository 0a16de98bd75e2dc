import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bodyParser } from '@koa/bodyparser';
import { createWebhookRouter, createWebhookTrigger, type WebhookTrigger } from 'hookflow';
import { koaHandler } from 'hookflow/koa';
import { github, signGithub } from 'hookflow/verify';
import Koa from 'koa';
import { afterEach, describe, expect, it } from 'vitest';
import { describeAdapterPipeline } from './pipeline-suite.js';

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

describeAdapterPipeline('koaHandler', serveTrigger);
