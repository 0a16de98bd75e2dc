/**
 * A Hono app on `@hono/node-server` with two hookflow triggers behind one router:
 *
 * - `POST /hooks/github` (async, GitHub signature): acknowledges with 202 once the delivery is
 *   verified and queued, then runs the workflow in the background.
 * - `POST /hooks/payments` (sync): answers 200 `{ ok: true }` for `{ "status": "paid" }`, else 400.
 * - `GET /health`: one of the app's own routes, beside them.
 *
 * Hono hands the trigger the Web `Request` untouched, so the signature is checked against the exact
 * bytes; `app.all` lets the trigger answer 405 with its own `Allow` header.
 *
 * Run it from this folder with `npx tsx server.ts` (`PORT=0` picks a free port).
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { honoHandler } from 'hookflow/hono';
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

/** Starts the Hono demo on 127.0.0.1 (`port` 0 picks a free one); resolves once it listens. */
export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const log = options.log ?? console.log;
  const secret = demoSecret(options);
  const router = createDemoRouter(secret, log);

  const app = new Hono()
    .get('/health', (c) => c.json({ ok: true }))
    .all('/hooks/:key', honoHandler(router));

  const { server, port } = await new Promise<{ server: ReturnType<typeof serve>; port: number }>(
    (resolve, reject) => {
      const started = serve(
        { fetch: app.fetch, port: options.port ?? 3000, hostname: HOST },
        (info) => resolve({ server: started, port: info.port }),
      );
      started.once('error', reject);
    },
  );
  const url = `http://${HOST}:${port}`;

  await announce({ url, secret, log, framework: 'Hono' });
  return { url, close: createCloser(server, router) };
}

runWhenMain(import.meta.url, startDemo);
