import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createWebhookTrigger, type WebhookRouter, type WebhookTrigger } from 'hookflow';
import { toPagesHandler, toRouteHandler } from 'hookflow/next';
import { github, signGithub } from 'hookflow/verify';
import next from 'next';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createNextFixture, NEXT_FIXTURE, type NextFixture } from '../fixtures/next-app/fixture.js';
import { ensureNextBuild, NEXT_BUILD_TIMEOUT_MS } from '../next-build.js';
import { describeAdapterPipeline } from './pipeline-suite.js';

// The fixture app (test/fixtures/next-app) is built with `next build`, then served by Next.js in
// this process; its routes serve the routers and the trigger of this fixture.
const dir = fileURLToPath(new URL('../fixtures/next-app/', import.meta.url));
const fixture = createNextFixture();
(globalThis as { [NEXT_FIXTURE]?: NextFixture })[NEXT_FIXTURE] = fixture;

let base = '';
let server: Server | undefined;
let app: ReturnType<typeof next> | undefined;

beforeAll(async () => {
  await ensureNextBuild(dir);
  let handle: RequestListener = (_req, res) => res.writeHead(503).end();
  const started = createServer((req, res) => handle(req, res));
  server = started;
  await new Promise<void>((resolve, reject) => {
    started.once('error', reject);
    started.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = started.address() as AddressInfo;
  base = `http://127.0.0.1:${port}`;
  app = next({ dir, dev: false, hostname: '127.0.0.1', port, httpServer: started });
  await app.prepare();
  const requestHandler = app.getRequestHandler();
  handle = (req, res) => void requestHandler(req, res);
}, NEXT_BUILD_TIMEOUT_MS + 30_000);

afterAll(async () => {
  if (server) {
    const closed = new Promise((resolve) => server?.close(resolve));
    server.closeAllConnections();
    await closed;
  }
  await app?.close();
  await fixture.params.close();
  delete (globalThis as { [NEXT_FIXTURE]?: NextFixture })[NEXT_FIXTURE];
});

const triggers: WebhookTrigger[] = [];
afterEach(async () => {
  await Promise.all(triggers.splice(0).map((t) => t.close()));
});

/** Puts `trigger` in `router` (replacing one with the same key), closed after the test. */
function serve(router: WebhookRouter, trigger: WebhookTrigger): WebhookTrigger {
  router.remove(trigger.key);
  router.add(trigger);
  triggers.push(trigger);
  return trigger;
}

const json = { 'content-type': 'application/json' };
const secret = 'It is a secret';
/** A fresh 5 s deadline per request. */
const bounded = () => ({ signal: AbortSignal.timeout(5000) });

describe('toRouteHandler on a real Next.js server (App Router, Node runtime)', () => {
  it('answers a sync trigger with the workflow result, and records the run', async () => {
    const trigger = serve(
      fixture.app,
      createWebhookTrigger({ mode: 'sync', workflow: (ctx) => ({ got: ctx.body }) }),
    );
    const res = await fetch(`${base}/t/${trigger.key}?x=1`, {
      method: 'POST',
      headers: json,
      body: '{"a":1}',
      ...bounded(),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({ got: { a: 1 } });
    const [record] = await trigger.executions.list();
    expect(record).toMatchObject({ mode: 'sync', status: 'resolved', result: { got: { a: 1 } } });
  });

  it('acknowledges an async trigger with 202 and the execution id, then runs the workflow', async () => {
    const trigger = serve(
      fixture.app,
      createWebhookTrigger({
        response: { status: 202, body: { accepted: '{{$context.executionId}}' } },
        workflow: (ctx) => ctx.body,
      }),
    );
    const res = await fetch(`${base}/t/${trigger.key}`, {
      method: 'POST',
      headers: json,
      body: '{"order":7}',
      ...bounded(),
    });
    expect(res.status).toBe(202);
    const { accepted } = (await res.json()) as { accepted: string };
    await vi.waitFor(
      async () => {
        const records = await trigger.executions.list();
        expect(records).toHaveLength(1);
        expect(records[0]).toMatchObject({
          id: accepted,
          mode: 'async',
          status: 'resolved',
          result: { order: 7 },
        });
      },
      { timeout: 2000, interval: 10 },
    );
  });

  it('verifies a GitHub-signed delivery on the exact bytes: 200 when signed, 401 when tampered', async () => {
    const trigger = serve(
      fixture.app,
      createWebhookTrigger({
        mode: 'sync',
        verify: github({ secret }),
        workflow: (ctx) => ctx.body,
      }),
    );
    const body = '{ "action":  "opened" }';
    const headers = { ...json, ...(await signGithub(secret, body)) };
    const url = `${base}/t/${trigger.key}`;
    const signed = await fetch(url, { method: 'POST', headers, body, ...bounded() });
    expect(signed.status).toBe(200);
    expect(await signed.json()).toEqual({ action: 'opened' });
    const tampered = await fetch(url, {
      method: 'POST',
      headers,
      body: '{"action":"opened"}',
      ...bounded(),
    });
    expect(tampered.status).toBe(401);
    expect(await tampered.json()).toMatchObject({ error: { code: 'SIGNATURE_INVALID' } });
  });

  it('passes string route params to ctx.params, and takes no ctx.ip from x-forwarded-for', async () => {
    const res = await fetch(`${base}/params/acme/a/b`, {
      method: 'POST',
      headers: { 'x-forwarded-for': '203.0.113.9' },
      ...bounded(),
    });
    expect(res.status).toBe(200);
    // The catch-all [...rest] is an array: left out (it is in ctx.url).
    expect(await res.json()).toEqual({ params: { tenant: 'acme' }, ip: null });
  });

  it('answers 404 TRIGGER_NOT_FOUND through a router for an unknown key', async () => {
    const res = await fetch(`${base}/t/nope`, { method: 'POST', ...bounded() });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'TRIGGER_NOT_FOUND' } });
  });

  it('keeps async runs alive with the waitUntil a platform gives Next.js', async () => {
    const kept: Promise<unknown>[] = [];
    // Where a platform puts its request context for Next.js (and `after()`) to find.
    const slot = globalThis as { [key: symbol]: unknown };
    const contextKey = Symbol.for('@next/request-context');
    slot[contextKey] = { get: () => ({ waitUntil: (p: Promise<unknown>) => kept.push(p) }) };
    try {
      const trigger = serve(fixture.app, createWebhookTrigger({ workflow: () => 'done' }));
      const res = await fetch(`${base}/t/${trigger.key}`, { method: 'POST', ...bounded() });
      expect(res.status).toBe(200);
      expect(kept.length).toBeGreaterThan(0);
      await Promise.all(kept);
      expect((await trigger.executions.list())[0]).toMatchObject({ status: 'resolved' });
    } finally {
      delete slot[contextKey];
    }
  });

  it("aborts a sync run's signal when the client goes away", async () => {
    let started = false;
    let aborted = false;
    const trigger = serve(
      fixture.app,
      createWebhookTrigger({
        mode: 'sync',
        limits: { timeoutMs: 5000 },
        workflow: async (_ctx, run) => {
          started = true;
          await new Promise((resolve) => run.signal.addEventListener('abort', resolve));
          aborted = true;
        },
      }),
    );
    const client = new AbortController();
    const pending = fetch(`${base}/t/${trigger.key}`, { method: 'POST', signal: client.signal });
    await vi.waitFor(() => expect(started).toBe(true), { timeout: 2000, interval: 10 });
    client.abort();
    await expect(pending).rejects.toThrow();
    await vi.waitFor(() => expect(aborted).toBe(true), { timeout: 2000, interval: 10 });
  });

  it('closes the connection after a streamed 413, so the next request is not stuck behind the rest', async () => {
    const trigger = serve(
      fixture.app,
      createWebhookTrigger({ workflow: () => {}, limits: { maxBodyBytes: 64 * 1024 } }),
    );
    let pulls = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulls++ === 8) controller.close();
        else controller.enqueue(new Uint8Array(64 * 1024));
      },
    });
    const upload = new AbortController();
    const res = await fetch(`${base}/t/${trigger.key}`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body,
      duplex: 'half',
      signal: AbortSignal.any([upload.signal, AbortSignal.timeout(5000)]),
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(res.headers.get('connection')).toBe('close');
    expect(await res.json()).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
    upload.abort();
    // Kept alive, the connection would hold the unread rest of the body, and this would time out.
    const next = await fetch(`${base}/t/${trigger.key}`, { method: 'POST', ...bounded() });
    expect(next.status).toBe(200);
    expect(await next.text()).toBe('ok');
  });

  it('refuses anything but a trigger or a router', () => {
    expect(() => toRouteHandler((() => {}) as never)).toThrow(TypeError);
    expect(() => toRouteHandler({} as never)).toThrow(
      'toRouteHandler expects a trigger or a router',
    );
  });
});

describe('toRouteHandler on a real Next.js server (App Router, edge runtime)', () => {
  it('verifies a GitHub-signed delivery with Web Crypto, with the route params', async () => {
    const body = '{ "action":  "opened" }';
    const headers = { ...json, ...(await signGithub(secret, body)) };
    const signed = await fetch(`${base}/edge/acme`, {
      method: 'POST',
      headers,
      body,
      ...bounded(),
    });
    expect(signed.status).toBe(200);
    expect(await signed.json()).toEqual({
      body: { action: 'opened' },
      params: { tenant: 'acme' },
      ip: null,
    });
    const tampered = await fetch(`${base}/edge/acme`, {
      method: 'POST',
      headers,
      body: '{"action":"opened"}',
      ...bounded(),
    });
    expect(tampered.status).toBe(401);
    expect(await tampered.json()).toMatchObject({ error: { code: 'SIGNATURE_INVALID' } });
  });
});

describe('toPagesHandler on a real Next.js server (Pages Router API routes)', () => {
  const signed = () =>
    createWebhookTrigger({
      mode: 'sync',
      verify: github({ secret }),
      workflow: (ctx) => ({ body: ctx.body, params: ctx.params, ip: ctx.ip }),
    });

  it('verifies a GitHub-signed delivery with bodyParser: false, with the socket peer as ctx.ip', async () => {
    const trigger = serve(fixture.pages, signed());
    const body = '{ "action":  "opened" }';
    const res = await fetch(`${base}/api/raw/${trigger.key}`, {
      method: 'POST',
      headers: { ...json, ...(await signGithub(secret, body)), 'x-forwarded-for': '203.0.113.9' },
      body,
      ...bounded(),
    });
    expect(res.status).toBe(200);
    const seen = (await res.json()) as { body: unknown; params: unknown; ip: string };
    expect(seen.body).toEqual({ action: 'opened' });
    expect(seen.params).toEqual({ parser: 'raw' });
    expect(seen.ip.replace(/^::ffff:/, '')).toBe('127.0.0.1');
    expect((await trigger.executions.list())[0]).toMatchObject({ status: 'resolved' });
  });

  it("fails closed with 500 RAW_BODY_UNAVAILABLE when Next.js's body parser ran and a verifier is set", async () => {
    const trigger = serve(fixture.pages, signed());
    const body = '{"action":"opened"}';
    const res = await fetch(`${base}/api/parsed/${trigger.key}`, {
      method: 'POST',
      headers: { ...json, ...(await signGithub(secret, body)) },
      body,
      ...bounded(),
    });
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({
      error: {
        code: 'RAW_BODY_UNAVAILABLE',
        message: expect.stringContaining('bodyParser: false'),
      },
    });
    expect(await trigger.executions.list()).toEqual([]);
  });

  it("uses Next.js's parsed req.body as ctx.body when no verifier is set", async () => {
    const trigger = serve(
      fixture.pages,
      createWebhookTrigger({ mode: 'sync', workflow: (ctx) => ctx.body }),
    );
    const res = await fetch(`${base}/api/parsed/${trigger.key}`, {
      method: 'POST',
      headers: json,
      body: '{"a":[1]}',
      ...bounded(),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ a: [1] });
  });

  it('refuses anything but a trigger or a router', () => {
    expect(() => toPagesHandler('hook' as never)).toThrow(TypeError);
    expect(() => toPagesHandler({} as never)).toThrow(
      'toPagesHandler expects a trigger or a router',
    );
  });
});

describeAdapterPipeline(
  'toRouteHandler (App Router)',
  async (trigger) => `${base}/t/${serve(fixture.app, trigger).key}`,
  { clientIp: 'unknown' },
);

describeAdapterPipeline(
  'toPagesHandler (Pages Router, bodyParser: false)',
  async (trigger) => `${base}/api/raw/${serve(fixture.pages, trigger).key}`,
);
