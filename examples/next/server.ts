/**
 * A Next.js app (App Router and Pages Router) with two hookflow triggers beside its own routes:
 *
 * - `GET /health` (`app/health/route.ts`): the app's own route.
 * - `POST /hooks/github` (async, GitHub signature) and `POST /hooks/payments` (sync), served by
 *   `toRouteHandler(router)` in `app/hooks/[key]/route.ts`.
 * - `POST /api/github`: the same GitHub trigger through `toPagesHandler` in `pages/api/github.ts`,
 *   with Next.js's body parser off so the trigger verifies the exact bytes.
 *
 * `next start` serves the app by itself. This file is the custom-server way, as the other
 * examples run: node:http on 127.0.0.1, a banner with a signed curl, and a graceful close that lets
 * queued workflows finish. Both serve the production build of this folder, and `hookflow` resolves
 * to the package's own `dist/`, so from this folder run `npm run build --prefix ../..` once, then
 * `npx next build && npx tsx server.ts` (`PORT=0` picks a free port).
 */
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import next from 'next';
import type { Demo, DemoOptions } from '../shared/demo';
import {
  announce,
  createCloser,
  createDemoRouter,
  demoSecret,
  HOST,
  runWhenMain,
} from '../shared/demo';
import { provideDemoRouter } from './lib/hooks';

export type { Demo, DemoOptions } from '../shared/demo';

const dir = fileURLToPath(new URL('.', import.meta.url));

/** Starts the Next.js demo on 127.0.0.1 (`port` 0 picks a free one); resolves once it listens. */
export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const log = options.log ?? console.log;
  const secret = demoSecret(options);
  // Before Next.js loads the routes: they take this router instead of creating their own.
  const router = createDemoRouter(secret, log);
  provideDemoRouter(router);

  let handle: RequestListener = (_req, res) => {
    res.writeHead(503, { 'retry-after': '1' }).end();
  };
  const server = createServer((req, res) => handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 3000, HOST, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${HOST}:${port}`;

  const app = next({ dir, dev: false, hostname: HOST, port, httpServer: server });
  try {
    await app.prepare();
  } catch (error) {
    server.close();
    throw error;
  }
  const requestHandler = app.getRequestHandler();
  handle = (req, res) => {
    requestHandler(req, res).catch((error: unknown) => {
      console.error(error);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  };

  await announce({ url, secret, log, framework: 'Next.js' });
  const closeServer = createCloser(server, router);
  return {
    url,
    async close() {
      await closeServer();
      await app.close();
    },
  };
}

runWhenMain(import.meta.url, startDemo);
