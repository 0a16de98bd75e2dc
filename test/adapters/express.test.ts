import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createWebhookRouter, createWebhookTrigger, type WebhookTrigger } from 'hookflow';
import { expressHandler } from 'hookflow/express';
import { github, signGithub } from 'hookflow/verify';
import { afterEach, describe, expect, it } from 'vitest';
import { describeAdapterPipeline } from './pipeline-suite.js';

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

describeAdapterPipeline('expressHandler', serveTrigger);
