/**
 * A Fastify app with its own JSON routes and two hookflow triggers beside them:
 *
 * - `GET /health` and `POST /api/notes`: the app's routes, with Fastify's JSON parser.
 * - `POST /hooks/github` (async, GitHub signature): acknowledges with 202 once the delivery is
 *   verified and queued, then runs the workflow in the background.
 * - `POST /hooks/payments` (sync): answers 200 `{ ok: true }` for `{ "status": "paid" }`, else 400.
 *
 * The `fastifyWebhook` plugin is encapsulated: inside it bodies stay unread, so the trigger verifies
 * the exact bytes, while the app's routes keep their own content-type parsers.
 *
 * Run it from this folder with `npx tsx server.ts` (`PORT=0` picks a free port).
 */
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { fastifyWebhook } from 'hookflow/fastify';
import type { Demo, DemoOptions } from '../shared/demo.js';
import { announce, createDemoRouter, demoSecret, HOST, runWhenMain } from '../shared/demo.js';

export type { Demo, DemoOptions } from '../shared/demo.js';

/** Starts the Fastify demo on 127.0.0.1 (`port` 0 picks a free one); resolves once it listens. */
export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const log = options.log ?? console.log;
  const secret = demoSecret(options);
  const router = createDemoRouter(secret, log);

  const notes: string[] = [];
  const app = Fastify();
  // The router's route is a full path: registered without a prefix.
  await app.register(fastifyWebhook, { router });
  app.get('/health', async () => ({ ok: true }));
  app.post('/api/notes', async (request, reply) => {
    const text = (request.body as { text?: unknown } | undefined)?.text;
    if (typeof text !== 'string') {
      return reply.code(400).send({ error: 'expected { "text": string }' });
    }
    notes.push(text);
    return reply.code(201).send({ id: notes.length, text });
  });

  await app.listen({ port: options.port ?? 3000, host: HOST });
  const { port } = app.server.address() as AddressInfo;
  const url = `http://${HOST}:${port}`;

  await announce({ url, secret, log, framework: 'Fastify' });

  // Fastify owns its server: the router is drained first, then app.close() closes the server.
  let closing: Promise<void> | undefined;
  function close() {
    closing ??= (async () => {
      // New deliveries now get 503 SHUTTING_DOWN; queued and running workflows are finished first.
      await router.close({ timeoutMs: 5000 });
      await app.close();
    })();
    return closing;
  }

  return { url, close };
}

runWhenMain(import.meta.url, startDemo);
