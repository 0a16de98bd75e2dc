/**
 * A Koa app with its own JSON routes and two hookflow triggers beside them:
 *
 * - `GET /health` and `POST /api/notes`: the app's routes, reading `ctx.request.body`.
 * - `POST /hooks/github` (async, GitHub signature): acknowledges with 202 once the delivery is
 *   verified and queued, then runs the workflow in the background.
 * - `POST /hooks/payments` (sync): answers 200 `{ ok: true }` for `{ "status": "paid" }`, else 400.
 *
 * `@koa/bodyparser` runs first for the whole app and keeps `ctx.request.rawBody`, which the trigger
 * verifies the signature against; the router passes every other path on to the app.
 *
 * Run it from this folder with `npx tsx server.ts` (`PORT=0` picks a free port).
 */
import type { AddressInfo } from 'node:net';
import { bodyParser } from '@koa/bodyparser';
import { koaHandler } from 'hookflow/koa';
import Koa from 'koa';
import type { Demo, DemoOptions } from '../shared/demo.js';
import {
  announce,
  createCloser,
  createDemoRouter,
  demoSecret,
  HOST,
  runWhenMain,
} from '../shared/demo.js';

export type { Demo, DemoOptions } from '../shared/demo.js';

/** Starts the Koa demo on 127.0.0.1 (`port` 0 picks a free one); resolves once it listens. */
export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const log = options.log ?? console.log;
  const secret = demoSecret(options);
  const router = createDemoRouter(secret, log);

  const notes: string[] = [];
  const app = new Koa()
    .use(bodyParser())
    .use(koaHandler(router))
    .use(async (ctx) => {
      if (ctx.method === 'GET' && ctx.path === '/health') {
        ctx.body = { ok: true };
      } else if (ctx.method === 'POST' && ctx.path === '/api/notes') {
        const text = (ctx.request.body as { text?: unknown } | undefined)?.text;
        if (typeof text !== 'string') {
          ctx.status = 400;
          ctx.body = { error: 'expected { "text": string }' };
          return;
        }
        notes.push(text);
        ctx.status = 201;
        ctx.body = { id: notes.length, text };
      }
    });

  const server = app.listen(options.port ?? 3000, HOST);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.once('listening', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${HOST}:${port}`;

  await announce({ url, secret, log, framework: 'Koa' });
  return { url, close: createCloser(server, router) };
}

runWhenMain(import.meta.url, startDemo);
